package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input corpus (core/src/test/resources/bad-input) end to end through {@link Main#run}: every case exits
 * non-zero with its exact message on standard error, without a stack trace, and nothing is built. Cases with an
 * {@code args.txt} are command lines ({@code {case}} is the case directory); the others run
 * {@code imagetree -c <case config> build <case>/images} — except the cases of a template that does not render, which run
 * {@code plan}: in {@code build} such a template fails its image only, and independent images are built
 * ({@code RenderFailureTest} in core); {@code plan}, {@code render} and {@code lint} still treat it as bad input.
 *
 * <p>DOCKER_HOST points at a socket that does not exist: a run that got as far as asking the engine anything
 * (planning, building) would fail with a different message, so the exact message also proves nothing was built.
 */
class BadInputCliTest {
    static final Path CORPUS = TestEnvironment.repo().resolve("core/src/test/resources/bad-input");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exitsNonZeroWithTheExactMessageAndBuildsNothing(String name) throws IOException {
        Path dir = CORPUS.resolve(name);
        Path expectedFile = dir.resolve("expected.txt");
        boolean template = Files.exists(expectedFile)
                && Files.readString(expectedFile, StandardCharsets.UTF_8).matches("(?s)images/[^:]*/Dockerfile\\.template[: ].*");
        List<String> args = new ArrayList<>();
        if (Files.exists(dir.resolve("args.txt"))) {
            for (String a : Files.readAllLines(dir.resolve("args.txt"), StandardCharsets.UTF_8)) {
                if (!a.isEmpty()) args.add(a.replace("{case}", dir.toString()));
            }
        } else {
            Path config = dir.resolve("config.yaml");
            if (!Files.exists(config)) config = CORPUS.resolveSibling("bad-input-default-config.yaml");
            args.addAll(List.of("-c", config.toString(), template ? "plan" : "build", "--no-pull", dir.resolve("images").toString()));
        }
        CliRun run = CliRun.of(Map.of("DOCKER_HOST", "unix:///nonexistent/imagetree-bad-input.sock",
                "XDG_CONFIG_HOME", dir.resolve("no-user-config").toString()), args.toArray(String[]::new));
        String err = run.err().replace(dir + "/", "");
        if (Boolean.getBoolean("badinput.record") && !Files.exists(expectedFile)) {
            Files.writeString(expectedFile, err.lines().findFirst().orElse("").replaceFirst("^error: ", "") + "\n");
        }
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8).strip();
        assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
        assertThat(err).as(run.all()).satisfiesAnyOf(e -> assertThat(e).startsWith("error: " + expected + "\n"),
                e -> assertThat(e).startsWith(expected + "\n"));
        assertThat(run.all()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.out()).as("nothing built").doesNotContain("== Step 1").doesNotContain("Will build");
    }
}
