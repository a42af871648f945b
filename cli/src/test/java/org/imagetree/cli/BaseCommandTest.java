package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command-line surface of base images and the weekly refresh (the real builds are in core's BaseImageTreeTest). */
class BaseCommandTest {
    @TempDir Path dir;

    @Test
    void aFailingDistroIsReportedWithExitStatusOne() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "registry: ''\n");
        CliRun run = CliRun.of("-c", config.toString(), "base", "build", "nosuchsuite");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.out()).containsPattern("nosuchsuite\\s+FAILED .*debuerreotype-init exited");
    }

    @Test
    void badInputIsAnInputError() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "registry: ''\n");
        CliRun publish = CliRun.of("-c", config.toString(), "base", "build", "--publish", "bookworm");
        assertThat(publish.exitCode()).as(publish.all()).isEqualTo(2);
        assertThat(publish.err()).contains("--publish needs a registry");
        CliRun refresh = CliRun.of("-c", config.toString(), "refresh", dir.toString());
        assertThat(refresh.exitCode()).as(refresh.all()).isEqualTo(2);
        assertThat(refresh.err()).contains("refresh publishes");
    }

    @Test
    void helpListsTheOptions() {
        CliRun help = CliRun.of("base", "build", "--help");
        assertThat(help.out()).contains("--mirror", "--timestamp", "--apt-source", "--apt-key", "--apt-preferences", "--publish");
        CliRun build = CliRun.of("-c", dir.resolve("none.yaml").toString(), "build", "--rebuild-stale", dir.resolve("nowhere").toString());
        assertThat(build.all()).doesNotContain("Unknown option").contains("none.yaml");
        CliRun plan = CliRun.of("-c", dir.resolve("none.yaml").toString(), "plan", "--check-stale", dir.resolve("nowhere").toString());
        assertThat(plan.all()).doesNotContain("Unknown option").contains("none.yaml");
        assertThat(CliRun.of("refresh", "--help").out()).contains("--distro", "DIRECTORY");
    }
}
