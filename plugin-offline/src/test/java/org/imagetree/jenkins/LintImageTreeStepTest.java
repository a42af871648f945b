package org.imagetree.jenkins;

import hudson.AbortException;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** lintImageTree and updateImageTree through a test StepContext over a real git workspace (no Docker needed). */
class LintImageTreeStepTest {
    @TempDir Path workspace;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), workspace.resolve("tree"));
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "Test",
                "GIT_COMMITTER_EMAIL", "t@example.org", "DEBFULLNAME", "Jenkins Bot", "DEBEMAIL", "jenkins@example.org"));
        TestEnvironment.run(env, "git", "-C", workspace.toString(), "init", "-q", "-b", "main");
        TestEnvironment.run(env, "git", "-C", workspace.toString(), "add", "-A");
        TestEnvironment.run(env, "git", "-C", workspace.toString(), "commit", "-q", "-m", "initial");
    }

    private LintImageTreeStep lint() {
        LintImageTreeStep step = new LintImageTreeStep();
        step.setDirectory("tree/images");
        step.setConfig("tree/config.yaml");
        step.setAgainst("HEAD");
        return step;
    }

    @Test
    void aCleanTreePasses() throws Throwable {
        TestStepContext ctx = new TestStepContext(workspace, env);
        Object result = ctx.run(lint(), Duration.ofMinutes(2));
        assertThat(result).asList().isEmpty();
        assertThat(ctx.log()).contains("lint: no problems");
    }

    @Test
    void problemsAreOneLineEachWithFileAndLineAndFailTheStep() throws Throwable {
        Path worker = workspace.resolve("tree/images/worker/Dockerfile.template");
        Files.writeString(worker, "# the registry policy forbids this\nFROM docker.io/library/debian:bookworm\n");
        TestStepContext ctx = new TestStepContext(workspace, env);

        assertThatThrownBy(() -> ctx.run(lint(), Duration.ofMinutes(2)))
                .isInstanceOf(AbortException.class).hasMessage("lintImageTree: 2 problem(s) in tree/images");
        assertThat(ctx.log())
                .contains("tree/images/worker/Dockerfile.template:2: image 'docker.io/library/debian:bookworm' is not from an allowed registry")
                .contains("tree/images/worker/changelog:1: 'worker' changed since HEAD but its version 0.9.1 is not newer than 0.9.1");
    }

    @Test
    void withoutFailOnProblemsTheProblemsAreReturnedAsMaps() throws Throwable {
        Files.writeString(workspace.resolve("tree/images/standalone/changelog"), "garbage\n");
        LintImageTreeStep step = lint();
        step.setAgainst(null);
        step.setFailOnProblems(false);
        Object result = new TestStepContext(workspace, env).run(step, Duration.ofMinutes(2));
        assertThat(result).asList().singleElement().satisfies(p -> {
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) p;
            assertThat(m).containsEntry("file", "tree/images/standalone/changelog").containsKeys("line", "message");
        });
    }

    @Test
    void updateCascadesThroughTheTreeAndLintThenAcceptsTheChange() throws Throwable {
        UpdateImageTreeStep update = new UpdateImageTreeStep("tools");
        update.setDirectory("tree/images");
        update.setConfig("tree/config.yaml");
        update.setReason("Security update for openssl");
        TestStepContext ctx = new TestStepContext(workspace, env);
        Object result = ctx.run(update, Duration.ofMinutes(2));

        @SuppressWarnings("unchecked") List<Map<String, Object>> bumps = (List<Map<String, Object>>) result;
        assertThat(bumps).extracting(b -> b.get("name") + " " + b.get("oldVersion") + " -> " + b.get("newVersion"))
                .containsExactlyInAnyOrder("tools 1.0.0-1 -> 1.0.0-1-s1", "runtime 2.1.0 -> 2.1.0-s1", "web 0.3.0 -> 0.3.0-s1",
                        "cli-tools 1.2.0-3 -> 1.2.0-3-s1", "worker 0.9.1 -> 0.9.1-s1");
        assertThat(bumps).anySatisfy(b -> assertThat(b).containsEntry("changelog", "tree/images/runtime/changelog"));
        assertThat(Files.readString(workspace.resolve("tree/images/runtime/changelog")))
                .startsWith("runtime (2.1.0-s1) wikimedia; urgency=high\n\n   Refresh for update in parent image tools:\n"
                        + "   Security update for openssl\n\n -- Jenkins Bot <jenkins@example.org>  ");
        assertThat(ctx.log()).contains("[imagetree] web: 0.3.0 -> 0.3.0-s1");

        // The changed changelogs are exactly what lint asks for.
        assertThat(new TestStepContext(workspace, env).run(lint(), Duration.ofMinutes(2))).asList().isEmpty();
    }

    @Test
    void unknownCredentialsFailBeforeAnythingRuns() {
        BuildImageTreeStep step = new BuildImageTreeStep();
        step.setDirectory("tree/images");
        step.setRegistry(new org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint("https://registry.example.org", "nope"));
        assertThatThrownBy(() -> new TestStepContext(workspace, env).run(step, Duration.ofMinutes(1)))
                .isInstanceOf(AbortException.class).hasMessage("Could not find credentials matching 'nope' for registry host registry.example.org");
    }

    @Test
    void anInputErrorFailsTheStepWithFileAndLineAndNoStackTrace() {
        // Without the example's config, docker-pkg's default uid mappings do not know 'somebody'.
        UpdateImageTreeStep update = assertDoesNotThrow(() -> new UpdateImageTreeStep("tools"));
        update.setDirectory("tree/images");
        assertThatThrownBy(() -> new TestStepContext(workspace, env).run(update, Duration.ofMinutes(1)))
                .isInstanceOf(AbortException.class)
                .hasMessage(workspace.resolve("tree/images/runtime/Dockerfile.template") + ":2: No mapping found for user 'somebody'");
    }

    private static <T> T assertDoesNotThrow(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
