package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code imagetree lint DIR [--against REV]} as CI runs it on a proposed change. */
class LintCommandTest {
    @TempDir Path repo;

    @Test
    void oneLinePerProblemAndANonZeroExitThenZeroOnceFixed() throws IOException {
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), repo);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(Map.of("GIT_AUTHOR_NAME", "T", "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "T", "GIT_COMMITTER_EMAIL", "t@example.org"));
        TestEnvironment.run(env, "git", "-C", repo.toString(), "init", "-q", "-b", "main");
        TestEnvironment.run(env, "git", "-C", repo.toString(), "add", "-A");
        TestEnvironment.run(env, "git", "-C", repo.toString(), "commit", "-q", "-m", "initial");
        String config = repo.resolve("config.yaml").toString();
        String images = repo.resolve("images").toString();

        CliRun clean = CliRun.of(env, "-c", config, "lint", images, "--against", "HEAD");
        assertThat(clean.exitCode()).as(clean.all()).isZero();
        // The example's worker uses runtime without declaring it (on purpose): a warning, listed, not failing.
        String warning = repo.resolve("images/worker/Dockerfile.template") + ": warning: uses in-tree image 'runtime' that control"
                + " does not declare; it is built first anyway";
        assertThat(clean.out()).isEqualTo(warning + "\nlint: 0 error(s), 1 warning(s) (warnings pass; --strict fails them)\n");
        CliRun strict = CliRun.of(env, "-c", config, "lint", "--strict", images);
        assertThat(strict.exitCode()).as(strict.all()).isEqualTo(1);

        Path web = repo.resolve("images/web/Dockerfile.template");
        Files.writeString(web, Files.readString(web) + "FROM quay.io/evil/image:1\n");
        CliRun bad = CliRun.of(env, "-c", config, "lint", images, "--against", "HEAD");
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(1);
        assertThat(bad.out().lines()).containsExactly(
                web + ":4: image 'quay.io/evil/image:1' is not from an allowed registry: it resolves to 'quay.io/evil/image:1' (registry 'quay.io'); allowed: 127.0.0.1:5000",
                repo.resolve("images/web/changelog") + ":1: 'web' changed since HEAD but its version 0.3.0 is not newer than 0.3.0 there;"
                        + " add a changelog entry (imagetree update) or the change will never be built",
                warning, "lint: 2 error(s), 1 warning(s)");

        CliRun badRev = CliRun.of(env, "-c", config, "lint", images, "--against", "no-such-rev");
        assertThat(badRev.exitCode()).isEqualTo(2);
        assertThat(badRev.err()).startsWith("error: --against 'no-such-rev': not a commit of the git repository at ")
                .contains("(git: Needed a single revision)");
    }
}
