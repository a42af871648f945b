package org.imagetree.blubber.compile;

import org.imagetree.blubber.SharedFiles;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.ConfigDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked examples of spec §3.10, compared byte for byte with the spec's text. */
class BlubberCompilerGoldenTest {
    private static final CompileOptions OPTIONS = CompileOptions.defaults().withVersion("1.8.0+7f94ffa")
            .withFlavour(CompileOptions.Flavour.CLASSIC);
    private final List<String> blocks = SharedFiles.specCodeBlocks();

    private String block(String startsWith) {
        return blocks.stream().filter(b -> b.startsWith(startsWith)).findFirst().orElseThrow();
    }

    @Test
    void minimalHelloExample() {
        BlubberConfig config = ConfigDecoder.decode("blubber.yaml", block("version: v4\nvariants:\n  hello:"));
        assertThat(BlubberCompiler.compile(config, "hello", OPTIONS)).isEqualTo(block("FROM debian:bullseye AS hello"));
    }

    @Test
    void nodeServiceTestVariant() {
        BlubberConfig config = ConfigDecoder.decode("blubber.yaml", block("version: v4\nbase: docker-registry.wikimedia.org/nodejs20-slim"));
        assertThat(BlubberCompiler.compile(config, "test", OPTIONS))
                .isEqualTo(block("FROM docker-registry.wikimedia.org/nodejs20-devel AS test"));
    }

    @Test
    void nodeServiceProductionVariantHasTwoStages() {
        BlubberConfig config = ConfigDecoder.decode("blubber.yaml", block("version: v4\nbase: docker-registry.wikimedia.org/nodejs20-slim"));
        assertThat(BlubberCompiler.compile(config, "production", OPTIONS))
                .isEqualTo(block("FROM docker-registry.wikimedia.org/nodejs20-devel AS prep"));
        assertThat(BlubberCompiler.stages(config, "production")).containsExactly("prep", "production");
    }

    @Test
    void pythonFragment() {
        String yaml = "version: v4\nvariants:\n  py:\n    base: python:3\n" + block("builders:\n  - python:").indent(4);
        String text = BlubberCompiler.compile(ConfigDecoder.decode("blubber.yaml", yaml), "py", OPTIONS);
        assertThat(text).contains(block("COPY --chown=$LIVES_UID:$LIVES_GID [\"requirements.txt\", \"./\"]"));
        assertThat(text).contains("ENV HOME=\"/home/$RUNS_AS\"\nRUN python3 \"-m\" \"pip\" \"check\"\n");
    }

    @Test
    void pythonPoetryFragment() {
        String yaml = """
                version: v4
                variants:
                  py:
                    base: python:3
                    python:
                      version: python3
                      requirements: [pyproject.toml, poetry.lock]
                      poetry: {version: ==1.5.1}
                """;
        String text = BlubberCompiler.compile(ConfigDecoder.decode("blubber.yaml", yaml), "py", OPTIONS);
        assertThat(text).contains("&& python3 \"-m\" \"pip\" \"install\" \"-U\" \"wheel\" \"tox\" \"pip\"\n"
                + block("ENV POETRY_VIRTUALENVS_PATH"));
    }

    @Test
    void buildKitMountsAndCachesOfTheWebserverExample() {
        String yaml = """
                version: v4
                variants:
                  assets:
                    base: node:22-bookworm
                    lives: {in: /src}
                  build:
                    base: golang:1.23
                    runs:
                      environment: {CGO_ENABLED: "0", GOCACHE: /var/cache/go}
                    builders:
                      - custom:
                          requirements: [go.mod, main.go]
                          command: "go build"
                          caches: [ "${GOCACHE}" ]
                          mounts:
                            - from: assets
                              source: /src/dist
                              destination: ./dist
                """;
        BlubberConfig config = ConfigDecoder.decode("blubber.yaml", yaml);
        CompiledDockerfile df = BlubberCompiler.compile(config, "build", null, CompileOptions.defaults());
        assertThat(df.buildKit()).isTrue();
        String expected = block("RUN --mount").strip();
        assertThat(df.text()).contains(expected + "\n");
        assertThat(BlubberCompiler.stages(config, "build")).containsExactly("assets", "build");
    }
}
