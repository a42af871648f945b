package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.Result;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The steps as a Jenkinsfile runs them, through a test StepContext whose workspace is a real directory, against
 * the real engine, the real Docker Engine and a real registry: the example tree (6 images, 3 levels) is planned,
 * built and published, then updated, partly broken, and a slow build is aborted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildImageTreeStepTest {
    @TempDir static Path workspace;
    static LocalRegistry registry;
    static RegistryClient client;
    static Map<String, String> env;

    @BeforeAll
    static void setUp() throws IOException {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), workspace.resolve("tree"));
        String base = TestEnvironment.publishBaseImage(registry.host());
        // The build and plan steps also name it with their registry endpoint, as a Jenkinsfile does.
        Files.writeString(workspace.resolve("imagetree.yaml"), String.join("\n",
                "registry: " + registry.host(),
                "base_images:", "  - " + base,
                "known_uid_mappings:", "  root: 0", "  nobody: 65534", "  somebody: 65533", ""));
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("DEBFULLNAME", "Jenkins Bot", "DEBEMAIL", "jenkins@example.org"));
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    private static <S extends org.jenkinsci.plugins.workflow.steps.Step> S configure(S step) {
        if (step instanceof BuildImageTreeStep b) {
            b.setDirectory("tree/images");
            b.setConfig("imagetree.yaml");
            b.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
            b.setJobs(2);
        } else if (step instanceof ImageTreePlanStep p) {
            p.setDirectory("tree/images");
            p.setConfig("imagetree.yaml");
            p.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        }
        return step;
    }

    private static Optional<ManifestDescriptor> inRegistry(String nameTag) {
        return client.headManifest(ImageReference.parse(registry.host() + "/" + nameTag));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object result) {
        return (List<Map<String, Object>>) result;
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void planGivesStatesActionsAndWavesForFanOut() throws Throwable {
        TestStepContext ctx = new TestStepContext(workspace, env);
        Map<String, Object> plan = (Map<String, Object>) ctx.run(configure(new ImageTreePlanStep()), Duration.ofMinutes(5));

        assertThat(maps(plan.get("images"))).hasSize(6).allSatisfy(i -> assertThat(i).containsEntry("action", "build"));
        assertThat(maps(plan.get("images"))).anySatisfy(i -> assertThat(i)
                .containsEntry("name", "web").containsEntry("label", registry.host() + "/web:0.3.0").containsEntry("parents", List.of("runtime")));
        List<List<String>> waves = (List<List<String>>) plan.get("waves");
        assertThat(waves).hasSize(3);
        assertThat(waves.get(0)).containsExactlyInAnyOrder("tools", "standalone");
        assertThat(waves.get(2)).contains("web", "worker");
        assertThat((List<String>) plan.get("work")).hasSize(6);
        assertThat(ctx.log()).contains("Waves");
        assertThat(ctx.run.getAction(ImageTreeAction.class)).as("a plan leaves no build-page table").isNull();
    }

    @Test
    @Order(2)
    void buildPublishesTheTreeAndReturnsOneMapPerImage() throws Throwable {
        TestStepContext ctx = new TestStepContext(workspace, env);
        List<Map<String, Object>> images = maps(ctx.run(configure(new BuildImageTreeStep()), Duration.ofMinutes(20)));

        assertThat(images).extracting(i -> i.get("name") + ":" + i.get("tag") + " " + i.get("state")).containsExactlyInAnyOrder(
                "tools:1.0.0-1 published", "runtime:2.1.0 published", "web:0.3.0 published", "cli-tools:1.2.0-3 published",
                "worker:0.9.1 published", "standalone:3.0.0 published");
        for (Map<String, Object> i : images) {
            Optional<ManifestDescriptor> m = inRegistry(i.get("name") + ":" + i.get("tag"));
            assertThat(m).as(i.toString()).isPresent();
            assertThat(i.get("digest")).isEqualTo(m.get().digest());
            assertThat(i.get("duration")).isInstanceOf(Long.class);
        }
        ImageTreeAction action = ctx.run.getAction(ImageTreeAction.class);
        assertThat(action).isNotNull();
        assertThat(action.getUrlName()).isEqualTo("image-tree");
        assertThat(action.getSections()).extracting(ImageTreeAction.Section::getDirectory).containsExactly("tree/images");
        assertThat(action.getImages()).hasSize(6);
        assertThat(action.count("published")).isEqualTo(6);
        assertThat(action.getImages()).filteredOn(r -> r.getName().equals("web")).singleElement()
                .satisfies(r -> assertThat(r.getLevel()).isEqualTo(2));
        assertThat(ctx.run.getResult()).isNull();
        assertThat(ctx.log()).contains("[imagetree] will build " + registry.host() + "/tools:1.0.0-1")
                .contains("[imagetree] web:0.3.0 published").contains("6 published");
    }

    @Test
    @Order(3)
    void failedImagesFailTheStepOrMakeTheBuildUnstable() throws Throwable {
        UpdateImageTreeStep update = new UpdateImageTreeStep("tools");
        update.setDirectory("tree/images");
        update.setConfig("imagetree.yaml");
        assertThat(maps(new TestStepContext(workspace, env).run(update, Duration.ofMinutes(2)))).hasSize(5);
        Files.writeString(workspace.resolve("tree/images/cli-tools/Dockerfile.template"),
                "FROM {{ \"tools\" | image_tag }}\nRUN echo 'this step fails' && false\n");

        BuildImageTreeStep unstable = configure(new BuildImageTreeStep());
        unstable.setSelect("*cli-tools:*");
        unstable.setUnstableOnFailure(true);
        TestStepContext ctx = new TestStepContext(workspace, env);
        List<Map<String, Object>> images = maps(ctx.run(unstable, Duration.ofMinutes(20)));
        assertThat(images).extracting(i -> i.get("name") + " " + i.get("state")).contains("tools published", "cli-tools failed",
                "web not-selected");
        assertThat(inRegistry("tools:1.0.0-1-s1")).isPresent();
        assertThat(inRegistry("cli-tools:1.2.0-3-s1")).isEmpty();
        assertThat(ctx.run.getResult()).isEqualTo(Result.UNSTABLE);
        // As the `unstable` step: the step's own flow node carries the warning.
        WarningAction warning = ctx.node.getAction(WarningAction.class);
        assertThat(warning).isNotNull();
        assertThat(warning.getResult()).isEqualTo(Result.UNSTABLE);
        assertThat(warning.getMessage()).isEqualTo("1 image(s) not built: cli-tools (failed)");
        assertThat(ctx.run.getAction(ImageTreeAction.class).isFailed()).isTrue();
        assertThat(ctx.log()).contains("[cli-tools] this step fails").contains("build unstable: 1 image(s) not built: cli-tools (failed)");

        BuildImageTreeStep failing = configure(new BuildImageTreeStep());
        failing.setSelect("*cli-tools:*");
        TestStepContext ctx2 = new TestStepContext(workspace, env);
        assertThatThrownBy(() -> ctx2.run(failing, Duration.ofMinutes(20)))
                .isInstanceOf(AbortException.class).hasMessage("1 image(s) not built: cli-tools (failed)");
        assertThat(ctx2.run.getAction(ImageTreeAction.class)).as("the table is on the page even when the step fails").isNotNull();
    }

    @Test
    @Order(4)
    void abortStopsTheRunningBuild() throws Throwable {
        String marker = "sleeping-" + java.util.UUID.randomUUID();
        Path slow = workspace.resolve("slow/sleeper");
        Files.createDirectories(slow);
        Files.writeString(slow.resolve("Dockerfile.template"), "FROM {{ \"bookworm\" | image_tag }}\nRUN echo " + marker + " && sleep 600\n");
        Files.writeString(slow.resolve("changelog"), "sleeper (1.0) wikimedia; urgency=medium\n\n  * Sleeps.\n\n"
                + " -- Test <t@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        BuildImageTreeStep step = configure(new BuildImageTreeStep());
        step.setDirectory("slow");
        TestStepContext ctx = new TestStepContext(workspace, env);
        StepExecution execution = ctx.start(step);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        // The echo's own output line (not the "RUN echo ..." step line): the container is running its sleep.
        while (!ctx.log().lines().anyMatch(l -> l.equals("[sleeper] " + marker)) && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(ctx.log().lines()).contains("[sleeper] " + marker);
        assertThat(runningContainersWith(marker)).as("the build container runs").isNotEmpty();

        execution.stop(new InterruptedException("aborted by test"));
        assertThatThrownBy(() -> ctx.await(Duration.ofSeconds(30))).hasMessage("aborted by test");
        // Abort reaches the engine: its build, and the container running the sleep, go away.
        long stopDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!runningContainersWith(marker).isEmpty() && System.nanoTime() < stopDeadline) Thread.sleep(500);
        assertThat(runningContainersWith(marker)).as("containers still running the aborted build").isEmpty();
        assertThat(inRegistry("sleeper:1.0")).isEmpty();
    }

    /** Running containers whose command mentions the marker (only this test's build uses it). */
    private static List<String> runningContainersWith(String marker) {
        String out = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "ps", "--no-trunc",
                "--format", "{{.ID}} {{.Command}}");
        return out.lines().filter(l -> l.contains(marker)).toList();
    }
}
