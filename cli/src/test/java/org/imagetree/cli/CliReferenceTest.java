package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/cli.md holds every command's real {@code --help} output between its markers. When a command changes, run
 * {@code ./mvnw -o -q -pl core,cli -am test -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dcli.docs.write=true}
 * to write it again; otherwise this test fails on any difference.
 */
class CliReferenceTest {
    static final String BEGIN = "<!-- BEGIN GENERATED from the real --help output by CliReferenceTest; do not edit -->";
    static final String END = "<!-- END GENERATED -->";

    static String reference() {
        StringBuilder sb = new StringBuilder();
        for (List<String> path : HelpTest.commandPaths()) {
            String name = String.join(" ", path);
            sb.append("\n### `imagetree").append(name.isEmpty() ? "" : " " + name).append("`\n\n```\n");
            CliRun r = CliRun.of(java.util.stream.Stream.concat(path.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new));
            assertThat(r.exitCode()).isZero();
            sb.append(r.out().stripTrailing()).append("\n```\n");
        }
        return sb.toString();
    }

    @Test
    void docsCliMdIsTheRealHelpOutput() throws IOException {
        Path doc = TestEnvironment.repo().resolve("docs/cli.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("docs/cli.md has the generated section's markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String generated = reference();
        String current = text.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("cli.docs.write") && !current.equals(generated + "\n")) {
            Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + generated + "\n" + text.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertThat(current).as("docs/cli.md is out of date: rerun this test with -Dcli.docs.write=true").isEqualTo(generated + "\n");
    }
}
