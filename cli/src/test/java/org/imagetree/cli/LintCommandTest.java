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

    /** The project's own example is clean even with --strict, and no command warns on it (issue 26). */
    @Test
    void theExampleTreeIsLintCleanWithStrictAndNoCommandWarns() {
        Path example = TestEnvironment.repo().resolve("examples/tree");
        String config = example.resolve("config.yaml").toString();
        String images = example.resolve("images").toString();
        CliRun strict = CliRun.of("-c", config, "lint", "--strict", images);
        assertThat(strict.exitCode()).as(strict.all()).isZero();
        assertThat(strict.out()).isEqualTo("lint: no problems\n");
        for (String command : new String[] {"render", "graph"}) {
            CliRun r = CliRun.of("-c", config, command, images);
            assertThat(r.exitCode()).as(command + ": " + r.all()).isZero();
            assertThat(r.err()).as(command).isEmpty();
        }
    }

    /**
     * The second example exists for its warning (docs/production-images.md): lint names the template and the line of the
     * use, with the path as the tree was given (relative, as build and plan print it), and only --strict fails on it.
     */
    @Test
    void theUndeclaredParentExampleWarnsWithTheTemplateLineAndARelativePath() throws IOException {
        Path example = TestEnvironment.repo().resolve("examples/undeclared-parent");
        Path cwd = Path.of("").toAbsolutePath();
        String images = cwd.relativize(example.resolve("images")).toString();
        String config = example.resolve("config.yaml").toString();
        String warning = images + "/app/Dockerfile.template:2: warning: uses in-tree image 'app-base' that control does not declare;"
                + " it is built first anyway";
        CliRun lint = CliRun.of("-c", config, "lint", images);
        assertThat(lint.exitCode()).as(lint.all()).isZero();
        assertThat(lint.out()).isEqualTo(warning + "\nlint: 0 error(s), 1 warning(s) (warnings pass; --strict fails them)\n");
        CliRun strict = CliRun.of("-c", config, "lint", "--strict", images);
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.out()).startsWith(warning + "\n");
        assertThat(Files.readString(example.resolve("images/app/Dockerfile.template")).lines().toList().get(1))
                .isEqualTo("FROM {{ \"app-base\" | image_tag }}");
    }

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
        assertThat(clean.out()).isEqualTo("lint: no problems\n");
        assertThat(clean.err()).isEmpty();

        Path web = repo.resolve("images/web/Dockerfile.template");
        Files.writeString(web, Files.readString(web) + "FROM quay.io/evil/image:1\n");
        CliRun bad = CliRun.of(env, "-c", config, "lint", images, "--against", "HEAD");
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(1);
        assertThat(bad.out().lines()).containsExactly(
                web + ":4: image 'quay.io/evil/image:1' is not from an allowed registry: it resolves to 'quay.io/evil/image:1' (registry 'quay.io'); allowed: 127.0.0.1:5000",
                repo.resolve("images/web/changelog") + ":1: 'web' changed since HEAD but its version 0.3.0 is not newer than 0.3.0 there;"
                        + " add a changelog entry (imagetree update) or the change will never be built",
                "lint: 2 error(s), 0 warning(s)");

        Path worker = repo.resolve("images/worker/Dockerfile.template");
        Files.writeString(worker, Files.readString(worker) + "COPY --from={{ \"standalone\" | image_tag }} /etc/hostname /tmp/\n");
        CliRun undeclared = CliRun.of(env, "-c", config, "lint", images);
        assertThat(undeclared.out()).contains(worker + ":5: warning: uses in-tree image 'standalone' that control does not declare");

        CliRun badRev = CliRun.of(env, "-c", config, "lint", images, "--against", "no-such-rev");
        assertThat(badRev.exitCode()).isEqualTo(2);
        assertThat(badRev.err()).startsWith("error: --against 'no-such-rev': not a commit of the git repository at ")
                .contains("(git: Needed a single revision)");
    }
}
