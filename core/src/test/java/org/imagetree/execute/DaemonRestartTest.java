package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.OwnDockerDaemon;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker daemon goes away in the middle of a build (a daemon of the test's own, stopped with SIGTERM): the run
 * fails clearly, naming the image and the cause; after the daemon is back, the next run builds only what is missing.
 */
class DaemonRestartTest {

    @Test
    void theEngineStopsMidBuildAndTheNextRunBuildsOnlyWhatIsMissing(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String marker = "itd-" + System.nanoTime();
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("slow", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + marker + " && sleep 30\n", null)
                .image("slow-child", "1.0", "FROM {{ \"slow\" | image_tag }}\nRUN true\n", "slow")
                .image("quick", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo quick > /quick\n", null);
        try (OwnDockerDaemon daemon = OwnDockerDaemon.start(); LocalRegistry registry = LocalRegistry.start()) {
            daemon.load(TestEnvironment.BASE_IMAGE);
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(TestEnvironment.BASE_IMAGE),
                "allowed_registries", List.of(registry.host(), "docker.io/imagetree-local")));
            CompletableFuture<Void> slowRunning = new CompletableFuture<>();
            CompletableFuture<Void> quickDone = new CompletableFuture<>();
            BuildListener watch = new BuildListener() {
                @Override public void log(String image, String line) {
                    if (image.equals("slow") && line.strip().equals(marker)) slowRunning.complete(null);
                }

                @Override public void imageFinished(ImageResult r) {
                    if (r.name().equals("quick")) quickDone.complete(null);
                }
            };
            BuildReport first;
            try (ContainerEngine docker = new DockerJavaEngine(daemon.host())) {
                ImageTreeEngine it = new ImageTreeEngine(config, docker, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
                BuildPlan plan = it.plan(it.load(tree.dir(), TagMode.RELEASE), new PlanOptions(Optional.empty(), false, true));
                CompletableFuture<BuildReport> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return it.execute(plan, new ExecuteOptions(2, true, false, true, tmp.resolve("work")), watch);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                CompletableFuture.allOf(slowRunning, quickDone).get(5, TimeUnit.MINUTES);
                daemon.stopDaemon();
                first = run.get(3, TimeUnit.MINUTES);
            }
            assertThat(first.succeeded()).isFalse();
            assertThat(result(first, "quick").outcome()).as(first.table()).isEqualTo(Outcome.PUBLISHED);
            ImageResult slow = result(first, "slow");
            assertThat(slow.outcome()).as(first.table()).isEqualTo(Outcome.FAILED);
            assertThat(slow.reason()).as("says the engine went away").containsAnyOf("engine unreachable", "build failed");
            assertThat(result(first, "slow-child").outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(result(first, "slow-child").reason()).isEqualTo("parent slow failed");
            assertThat(new RegistryClient(RegistryClient.builder().options()).headManifest(ImageReference.parse(registry.host() + "/slow:1.0"))).isEmpty();
            try (Stream<Path> left = Files.list(tmp.resolve("work"))) {
                assertThat(left).as("temporary contexts deleted").isEmpty();
            }

            daemon.startDaemon();
            try (ContainerEngine docker = new DockerJavaEngine(daemon.host())) {
                ImageTreeEngine it = new ImageTreeEngine(config, docker, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
                BuildPlan plan = it.plan(it.load(tree.dir(), TagMode.RELEASE), new PlanOptions(Optional.empty(), false, true));
                assertThat(plan.work()).extracting(p -> p.name()).containsExactlyInAnyOrder("slow", "slow-child");
                assertThat(plan.get("quick").action()).isEqualTo(Action.NONE);
                BuildReport second = it.execute(plan, new ExecuteOptions(2, true, false, true, tmp.resolve("work")), BuildListener.NONE);
                assertThat(second.succeeded()).as(second.table()).isTrue();
                assertThat(result(second, "slow").outcome()).isEqualTo(Outcome.PUBLISHED);
                assertThat(result(second, "slow-child").outcome()).isEqualTo(Outcome.PUBLISHED);
                assertThat(result(second, "quick").outcome()).isEqualTo(Outcome.UNCHANGED);
            }
        }
    }

    private static ImageResult result(BuildReport r, String name) {
        return r.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }
}
