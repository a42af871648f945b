package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * blubber.md: Blubber's exit codes, each problem one {@code error: file:line: problem} line, no stack trace (issue 26,
 * item 10); and what issue 25 found: a deep includes chain, a named bad variant name, a -c config that is not ignored.
 */
class BlubberErrorsCliTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void validationErrorsAreOneLocatedLinePerProblemWithExit4() throws IOException {
        Path file = write("blubber.yaml", """
                version: v4
                variants:
                  ab: {}
                  hello:
                    base: UPPER
                    runs: {as: root}
                """);
        CliRun r = CliRun.of("blubber", "compile", file.toString(), "hello");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(4);
        assertThat(r.err().lines()).containsExactly(
                "error: " + file + ":3: variants: contains a bad variant name \"ab\"",
                "error: " + file + ":5: base: \"UPPER\" is not a valid image reference",
                "error: " + file + ":6: as: \"root\" is not a valid user name");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aPolicyViolationIsOneLineAtTheValueWithExit6() throws IOException {
        Path file = write("blubber.yaml", "version: v4\nvariants:\n  hello:\n    runs: {insecurely: true}\n");
        Path policy = write("policy.yaml", "enforcements:\n  - {path: variants.hello.runs.insecurely, rule: isfalse}\n");
        CliRun r = CliRun.of("blubber", "compile", "-p", policy.toString(), file.toString(), "hello");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(6);
        assertThat(r.err()).isEqualTo("error: " + file + ":4: fails the policy " + policy + ": value: \"true\", for"
                + " \"variants.hello.runs.insecurely\" violates policy rule \"isfalse\"\n");
    }

    @Test
    void aFiveThousandDeepIncludesChainCompiles() throws IOException {
        StringBuilder sb = new StringBuilder("version: v4\nvariants:\n  var0: {base: debian:bookworm}\n");
        for (int i = 1; i < 5_000; i++) sb.append("  var").append(i).append(": {includes: [var").append(i - 1).append("]}\n");
        Path file = write("blubber.yaml", sb.toString());
        CliRun r = CliRun.of("blubber", "compile", file.toString(), "var4999");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("FROM debian:bookworm AS var4999");
    }

    /** -c names a config: it must exist and be valid for the blubber commands as for every other (issue 25, issue 26). */
    @Test
    void aConfigGivenWithDashCIsReadEvenWhereCompileDoesNotNeedIt() throws IOException {
        Path file = write("blubber.yaml", "version: v4\nbase: debian:bookworm\nvariants:\n  hello: {}\n");
        Path invalid = write("config.yaml", "registry: [not, a, host]\nregistry: twice\n");
        CliRun bad = CliRun.of("-c", invalid.toString(), "blubber", "compile", file.toString(), "hello");
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: " + invalid + ":2: duplicate key 'registry'");
        assertThat(bad.out()).isEmpty();

        Path missing = dir.resolve("missing.yaml");
        for (String[] command : new String[][] {{"blubber", "compile", file.toString(), "hello"},
                {"blubber", "build", file.toString(), "hello"}, {"blubber", "pipeline", file.toString()},
                {"policy", "manifests", "--allowed", "registry.example"}}) {
            String[] args = new String[command.length + 2];
            args[0] = "-c";
            args[1] = missing.toString();
            System.arraycopy(command, 0, args, 2, command.length);
            CliRun r = CliRun.of(args);
            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", command)).startsWith("error: " + missing);
        }
        // Without -c, a missing config.yaml is fine for these commands.
        CliRun none = CliRun.of("blubber", "compile", file.toString(), "hello");
        assertThat(none.exitCode()).as(none.all()).isZero();
    }
}
