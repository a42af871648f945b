package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** imagetree-build.log: this run's build output only, every run, without terminal escapes (issue 26). */
class ConsoleListenerTest {
    @TempDir Path dir;

    @Test
    void eachRunWritesTheLogAnewWithoutEscapesAndInfoWritesItToo() throws IOException {
        Path log = dir.resolve("imagetree-build.log");
        Files.writeString(log, "old run: Step 1/3 : FROM old\n");
        StringWriter console = new StringWriter();
        try (ConsoleListener quiet = new ConsoleListener(new PrintWriter(console, true), false, false, log)) {
            quiet.log("web", "\u001B[1m\u001B[31mStep 1/2 : FROM bookworm\u001B[0m");
            quiet.log("web", "\u001B]0;title\u0007 ---> Running in 1234 \u001B[2K\u001B(B");
        }
        assertThat(Files.readString(log)).isEqualTo("web: Step 1/2 : FROM bookworm\nweb:  ---> Running in 1234 \n");
        assertThat(console.toString()).doesNotContain("Step 1/2");

        StringWriter verbose = new StringWriter();
        try (ConsoleListener info = new ConsoleListener(new PrintWriter(verbose, true), true, false, log)) {
            info.log("tools", "\u001B[32mStep 2/2 : RUN true\u001B[0m");
        }
        assertThat(Files.readString(log)).as("--info replaces the previous run's log too").isEqualTo("tools: Step 2/2 : RUN true\n");
        assertThat(verbose.toString()).contains("[tools] \u001B[32mStep 2/2 : RUN true");
    }

    @Test
    void plainTextStaysAsItIs() {
        assertThat(ConsoleListener.plain("RUN echo '[1m not an escape' && printf '\\033[0m'")).isEqualTo("RUN echo '[1m not an escape' && printf '\\033[0m'");
        assertThat(ConsoleListener.plain("a\u001B[38;5;196mb\u001B[mc")).isEqualTo("abc");
    }

    /** The outcome is said once: "published (no test.sh, …)", never "published (published (…))" (run-example.sh showed it). */
    @Test
    void theOutcomeIsSaidOnce() {
        java.time.Duration d = java.time.Duration.ofMillis(300);
        org.imagetree.report.Outcome published = org.imagetree.report.Outcome.PUBLISHED;
        assertThat(ConsoleListener.outcomeText(new org.imagetree.report.ImageResult("worker", "0.9.1", "worker:0.9.1", published, "sha256:1", d,
                "published (no test.sh, verification skipped)"))).isEqualTo("published (no test.sh, verification skipped)");
        assertThat(ConsoleListener.outcomeText(new org.imagetree.report.ImageResult("web", "0.3.0", "web:0.3.0", published, "sha256:2", d,
                "verified, published"))).isEqualTo("published (verified, published)");
        assertThat(ConsoleListener.outcomeText(new org.imagetree.report.ImageResult("web", "0.3.0", "web:0.3.0", published, "sha256:2", d,
                null))).isEqualTo("published");
    }
}
