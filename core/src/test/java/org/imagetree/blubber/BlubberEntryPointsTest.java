package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.execute.DockerCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class BlubberEntryPointsTest {
    private static final String CONFIG = """
            version: v4
            variants:
              hello:
                copies: [{from: local, source: hello.txt, destination: /hello.txt}]
                runs: {insecurely: true}
            """;

    @Test
    void compileChecksThePolicyWithBlubbersExitCodes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("blubber.yaml"), CONFIG);
        Files.writeString(dir.resolve("policy.yaml"), "enforcements:\n  - {path: variants.hello.runs.insecurely, rule: isfalse}\n");
        Throwable violation = catchThrowable(() -> Blubber.compile(dir.resolve("blubber.yaml"), "hello", dir.resolve("policy.yaml"), null));
        assertThat(Blubber.exitCode(violation)).isEqualTo(6);
        assertThat(Blubber.exitCode(catchThrowable(() -> Blubber.compile(dir.resolve("blubber.yaml"), "nope", null,
                CompileOptions.defaults())))).isEqualTo(3);
        Files.writeString(dir.resolve("bad.yaml"), "version: v4\nvariants:\n  hello: {base: UPPER}\n");
        assertThat(Blubber.exitCode(catchThrowable(() -> Blubber.compile(dir.resolve("bad.yaml"), "hello", null,
                CompileOptions.defaults())))).isEqualTo(4);
        CompiledDockerfile df = Blubber.compile(dir.resolve("blubber.yaml"), "hello", null, CompileOptions.defaults());
        assertThat(df.text()).startsWith("FROM scratch AS hello\n");
        assertThat(df.buildKit()).isFalse();
    }

    @Test
    @Tag("docker")
    void variantBuildBuildsAndPublishesEveryTag(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("blubber.yaml"), CONFIG);
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        DockerCli docker = DockerCli.locateWithBuildKit(System.getenv());
        String repo = "127.0.0.1:5000/blubber-test/variant-" + UUID.randomUUID().toString().substring(0, 8);
        VariantBuild.Result r = new VariantBuild(docker, line -> { }).run(new VariantBuild.Request(dir.resolve("blubber.yaml"),
                "hello", null, List.of(repo + ":one", repo + ":two"), Map.of(), null, true, null));
        assertThat(r.references()).extracting(ServicePipeline.Published::digest).allMatch(d -> d.matches("sha256:[0-9a-f]{64}"));
        assertThat(docker.inspect(repo + ":one", "{{index .Config.Labels \"blubber.variant\"}}")).isEqualTo("hello");
        docker.removeImage(repo + ":one");
        docker.removeImage(repo + ":two");
    }
}
