package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.CountingEngine;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tag a build publishes, against a real registry and the real engine: {@code latest} moved away by hand (or never
 * pushed, as when a run died between its two pushes) is set again by the next run from the published manifest, without
 * a rebuild, and the run says so; a version tag another run published after this run planned is not overwritten.
 */
class PublishedTagsTest {

    private static EngineConfig config(LocalRegistry registry) {
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(TestEnvironment.BASE_IMAGE),
                "allowed_registries", List.of(registry.host(), "docker.io/imagetree-local")));
    }

    private static BuildReport build(EngineConfig config, ContainerEngine docker, Path dir, Path work) throws InterruptedException {
        ImageTreeEngine it = new ImageTreeEngine(config, docker, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
        BuildPlan plan = it.loadAndPlanBuild(dir, TagMode.RELEASE, new PlanOptions(Optional.empty(), true, true), t -> { });
        return it.execute(plan, new ExecuteOptions(2, false, false, true, work), BuildListener.NONE);
    }

    private static ImageResult result(BuildReport r, String name) {
        return r.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void latestMovedAwayOrMissingIsSetAgainFromThePublishedManifestWithoutARebuild(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = Long.toString(System.nanoTime());
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("tags-moved", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /moved\n", null)
                .image("tags-half", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo never-built\n", null);
        try (LocalRegistry registry = LocalRegistry.start(); ContainerEngine docker = TestEnvironment.engine()) {
            EngineConfig config = config(registry);
            RegistryClient client = RegistryClient.builder().build();
            ImageReference half = ImageReference.parse(registry.host() + "/tags-half:1.0");
            // A run that pushed the version tag and died before latest.
            String halfDigest = TinyImage.docker("half-" + run).pushTo(client, half);

            BuildReport first = build(config, docker, tree.dir(), tmp.resolve("work"));
            assertThat(result(first, "tags-moved").outcome()).as(first.table()).isEqualTo(Outcome.PUBLISHED);
            String published = result(first, "tags-moved").digest();
            ImageReference latest = ImageReference.parse(registry.host() + "/tags-moved:latest");
            assertThat(client.headManifest(latest)).map(ManifestDescriptor::digest).contains(published);
            ImageResult halfResult = result(first, "tags-half");
            assertThat(halfResult.outcome()).as(first.table()).isEqualTo(Outcome.PUBLISHED);
            assertThat(halfResult.digest()).isEqualTo(halfDigest);
            assertThat(halfResult.reason()).contains("latest").contains("no rebuild");
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/tags-half:latest")))
                    .map(ManifestDescriptor::digest).contains(halfDigest);

            // By hand: latest now points at another image.
            String other = TinyImage.docker("other-" + run).pushTo(client, latest);
            assertThat(other).isNotEqualTo(published);

            try (CountingEngine counting = new CountingEngine(docker)) {
                ImageTreeEngine it = new ImageTreeEngine(config, counting, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
                BuildPlan plan = it.loadAndPlanBuild(tree.dir(), TagMode.RELEASE, new PlanOptions(Optional.empty(), true, true), t -> { });
                assertThat(plan.get("tags-moved").action()).isEqualTo(Action.TAG);
                assertThat(plan.get("tags-moved").reason()).contains("latest points at " + other);
                assertThat(plan.get("tags-half").action()).isEqualTo(Action.NONE);
                BuildReport second = it.execute(plan, new ExecuteOptions(2, false, false, true, tmp.resolve("work")), BuildListener.NONE);
                ImageResult moved = result(second, "tags-moved");
                assertThat(moved.outcome()).as(second.table()).isEqualTo(Outcome.PUBLISHED);
                assertThat(moved.digest()).isEqualTo(published);
                assertThat(moved.reason()).contains("set latest").contains("no rebuild");
                assertThat(counting.calls()).as("no build, no push through the engine").noneMatch(c -> c.startsWith("build") || c.startsWith("push"));
            }
            assertThat(client.headManifest(latest)).map(ManifestDescriptor::digest).contains(published);

            BuildReport third = build(config, docker, tree.dir(), tmp.resolve("work"));
            assertThat(third.images()).extracting(ImageResult::outcome).containsOnly(Outcome.UNCHANGED);
        }
    }

    @Test
    void aVersionTagAnotherRunPublishedAfterThePlanIsNotOverwritten(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = Long.toString(System.nanoTime());
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("raced", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /raced\n", null)
                .image("raced-child", "1.0", "FROM {{ \"raced\" | image_tag }}\nRUN echo child > /child\n", "raced");
        try (LocalRegistry registry = LocalRegistry.start(); ContainerEngine docker = TestEnvironment.engine()) {
            EngineConfig config = config(registry);
            RegistryClient client = RegistryClient.builder().build();
            ImageTreeEngine it = new ImageTreeEngine(config, docker, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
            BuildPlan plan = it.loadAndPlanBuild(tree.dir(), TagMode.RELEASE, new PlanOptions(Optional.empty(), true, true), t -> { });
            assertThat(plan.get("raced").action()).isEqualTo(Action.BUILD);

            // Another machine publishes raced:1.0 between this run's plan and its build (a whole image, built by the
            // engine there: here, the same engine under the registry's name, pushed).
            String elsewhere = registry.host() + "/raced-elsewhere:1.0";
            docker.tag(TestEnvironment.BASE_IMAGE, elsewhere);
            docker.tag(TestEnvironment.BASE_IMAGE, registry.host() + "/raced:1.0");
            String theirs = docker.push(registry.host() + "/raced:1.0", Optional.empty(), line -> { });

            BuildReport report = it.execute(plan, new ExecuteOptions(2, false, false, true, tmp.resolve("work")), BuildListener.NONE);
            ImageResult raced = result(report, "raced");
            assertThat(raced.outcome()).as(report.table()).isEqualTo(Outcome.UNCHANGED);
            assertThat(raced.digest()).isEqualTo(theirs);
            assertThat(raced.reason()).isEqualTo("published by another run (digest " + theirs + ")");
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/raced:1.0"))).map(ManifestDescriptor::digest).contains(theirs);
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/raced:latest"))).map(ManifestDescriptor::digest).contains(theirs);
            ImageResult child = result(report, "raced-child");
            assertThat(child.outcome()).as(report.table()).isEqualTo(Outcome.PUBLISHED);
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/raced-child:1.0"))).map(ManifestDescriptor::digest)
                    .contains(child.digest());
            assertThat(report.succeeded()).isTrue();
        }
    }
}
