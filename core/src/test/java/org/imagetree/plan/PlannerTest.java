package org.imagetree.plan;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.ImageDefinitions;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Planning against a real registry (no builds): states, selection, what a selection needs, blocked images. */
class PlannerTest {
    static LocalRegistry registry;
    static RegistryClient client;
    @TempDir Path dir;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
    }

    @AfterAll
    static void stop() { registry.close(); }

    private void image(String name, String version, String template, String... depends) throws IOException {
        ImageDefinitions.write(dir, name, version, template, depends);
    }

    private BuildPlan plan(EngineConfig config, PlanOptions options) {
        ImageTreeLoader.LoadedTree t = new ImageTreeLoader(config, 2).load(dir, "");
        return new Planner(config, client, null, 4).plan(t, options);
    }

    private EngineConfig config() {
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(registry.host() + "/bookworm:latest")));
    }

    @Test
    void publishedImagesAreLeftAloneAndTheRestBuildsInWaves() throws IOException {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        image("c", "3.0", "FROM {{ registry }}/b:latest\n");
        image("d", "4.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        TinyImage.docker("a").publishTo(client, ImageReference.parse(registry.host() + "/a:1.0"));

        BuildPlan plan = plan(config(), PlanOptions.defaults());
        assertThat(plan.get("a").state()).isEqualTo(ImageState.PUBLISHED);
        assertThat(plan.get("a").action()).isEqualTo(Action.NONE);
        assertThat(plan.get("a").digest()).startsWith("sha256:");
        assertThat(plan.get("b").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("c").image().parents()).containsExactly("b");
        assertThat(plan.waves()).containsExactly(List.of("b", "d"), List.of("c"));
        assertThat(plan.warnings()).anyMatch(w -> w.contains("uses in-tree image 'b' that control does not declare"));
    }

    @Test
    void aPublishedImageWhoseLatestIsMissingOrElsewhereIsReTaggedNotRebuilt() throws IOException {
        image("moved", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("half", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("whole", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        String moved = TinyImage.docker("moved").publishTo(client, ImageReference.parse(registry.host() + "/moved:1.0"));
        String elsewhere = TinyImage.docker("moved-elsewhere").pushTo(client, ImageReference.parse(registry.host() + "/moved:latest"));
        TinyImage.docker("half").pushTo(client, ImageReference.parse(registry.host() + "/half:1.0")); // no latest
        TinyImage.docker("whole").publishTo(client, ImageReference.parse(registry.host() + "/whole:1.0"));

        BuildPlan plan = plan(config(), PlanOptions.defaults());
        assertThat(plan.get("moved").action()).isEqualTo(Action.TAG);
        assertThat(plan.get("moved").digest()).isEqualTo(moved);
        assertThat(plan.get("moved").reason()).contains("latest points at " + elsewhere).contains("no rebuild");
        assertThat(plan.get("half").action()).isEqualTo(Action.TAG);
        assertThat(plan.get("half").reason()).contains("latest is missing");
        assertThat(plan.get("whole").action()).isEqualTo(Action.NONE);
        assertThat(plan.work()).extracting(PlannedImage::name).containsExactlyInAnyOrder("moved", "half");
        // Not publishing: tags are not this run's business.
        assertThat(plan(config(), new PlanOptions(Optional.empty(), true, false)).get("moved").action()).isEqualTo(Action.NONE);
    }

    @Test
    void checksStartedDuringRenderingGiveTheSamePlanWithOneRequestPerReference() throws IOException {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        image("c", "3.0", "FROM {{ registry }}/outside:7\n");
        TinyImage.docker("a").publishTo(client, ImageReference.parse(registry.host() + "/a:1.0"));
        TinyImage.docker("outside").pushTo(client, ImageReference.parse(registry.host() + "/outside:7"));
        EngineConfig config = config();
        BuildPlan sequential = plan(config, PlanOptions.defaults());

        RegistryClient counted = RegistryClient.builder().build();
        List<String> seenBeforePlanning = new java.util.ArrayList<>();
        BuildPlan early = new org.imagetree.ImageTreeEngine(config, null, counted, Map.of(), java.time.Clock.systemUTC())
                .loadAndPlan(dir, org.imagetree.ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(),
                        loaded -> seenBeforePlanning.addAll(loaded.tree().order()));

        assertThat(seenBeforePlanning).containsExactlyInAnyOrder("a", "b", "c");
        for (String n : List.of("a", "b", "c")) {
            assertThat(early.get(n).state()).as(n).isEqualTo(sequential.get(n).state());
            assertThat(early.get(n).action()).as(n).isEqualTo(sequential.get(n).action());
            assertThat(early.get(n).digest()).as(n).isEqualTo(sequential.get(n).digest());
        }
        assertThat(early.get("a").state()).isEqualTo(ImageState.PUBLISHED);
        assertThat(early.get("c").action()).isEqualTo(Action.BUILD); // its external parent is published
        // Three labels and their latest tags asked ahead, the external the rendering names asked in the plan: nothing
        // asked twice (a plain-HTTP registry has no TLS to warm up during the scan).
        assertThat(counted.requestCount()).isEqualTo(7);
    }

    @Test
    void aPolicyViolationStopsThePlanAfterTheChecksStartedEarly() throws IOException {
        image("a", "1.0", "FROM docker.io/library/debian:bookworm\n");
        EngineConfig config = config();
        var engine = new org.imagetree.ImageTreeEngine(config, null, client, Map.of(), java.time.Clock.systemUTC());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.loadAndPlan(dir,
                        org.imagetree.ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(), loaded -> { }))
                .isInstanceOf(org.imagetree.policy.RegistryPolicyException.class);
    }

    @Test
    void selectBuildsTheMatchAndTheParentsItNeeds() throws IOException {
        image("a", "1.5", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        image("c", "3.0", "FROM {{ \"b\" | image_tag }}\n", "b");
        image("d", "4.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        BuildPlan plan = plan(config(), new PlanOptions(Optional.of("*b:*"), true, true));
        assertThat(plan.get("a").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("a").reason()).isEqualTo("needed by b");
        assertThat(plan.get("b").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("c").action()).isEqualTo(Action.NONE);
        assertThat(plan.get("c").reason()).isEqualTo("not selected");
        assertThat(plan.get("d").action()).isEqualTo(Action.NONE);
    }

    @Test
    void aDependencyOutsideTheTreeMustBePublishedElseTheImageIsBlockedWithTheReason() throws IOException {
        image("svc", "1.0", "FROM {{ registry }}/golang1.25:latest\n", "golang1.25");
        image("child", "1.0", "FROM {{ \"svc\" | image_tag }}\n", "svc");
        image("other", "1.0", "FROM {{ registry }}/published-elsewhere:latest\n");
        TinyImage.docker("x").pushTo(client, ImageReference.parse(registry.host() + "/published-elsewhere:latest"));

        BuildPlan plan = plan(config(), PlanOptions.defaults());
        assertThat(plan.get("svc").action()).isEqualTo(Action.BLOCKED);
        assertThat(plan.get("svc").reason()).isEqualTo("depends on " + registry.host()
                + "/golang1.25:latest, which is not in this tree, not in base_images and not in the registry");
        assertThat(plan.get("child").action()).isEqualTo(Action.BLOCKED);
        assertThat(plan.get("child").reason()).isEqualTo("parent svc is blocked");
        assertThat(plan.get("other").action()).isEqualTo(Action.BUILD);
    }

    @Test
    void registriesWithAPortWorkForLabelsAndImageTag() throws IOException {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("b", "2.0", "FROM {{ \"a\" | image_tag }}\n");
        BuildPlan plan = plan(config(), PlanOptions.defaults());
        assertThat(plan.get("b").label()).isEqualTo(registry.host() + "/b:2.0");
        assertThat(plan.get("b").image().dockerfile()).isEqualTo("FROM " + registry.host() + "/a:1.0");
        assertThat(plan.get("b").image().parents()).containsExactly("a");
    }

    @Test
    void theEngineIsAskedAboutUnpublishedLabelsOnceAndBeforePlanning() throws Exception {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("local-b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        image("local-c", "3.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        TinyImage.docker("a").publishTo(client, ImageReference.parse(registry.host() + "/a:1.0"));
        String heldLocally = registry.host() + "/local-b:2.0";
        String missing = registry.host() + "/local-c:3.0";
        EngineConfig config = config();
        try (org.imagetree.testing.CountingEngine engine = new org.imagetree.testing.CountingEngine(
                org.imagetree.testing.TestEnvironment.engine())) {
            engine.tag(org.imagetree.testing.TestEnvironment.baseImage(), heldLocally);
            try {
                List<String> beforePlanning = new java.util.ArrayList<>();
                BuildPlan plan = new org.imagetree.ImageTreeEngine(config, engine, client, Map.of(), java.time.Clock.systemUTC())
                        .loadAndPlanBuild(dir, org.imagetree.ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(), loaded -> {
                            // The local state of the unpublished labels is asked while the tree loads (it is what the
                            // plan asks first), so connecting to the engine is not left for after rendering.
                            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                            while (engine.count("inspect") + engine.count("tagsAmong") < 2 && System.nanoTime() < deadline) {
                                Thread.onSpinWait();
                            }
                            beforePlanning.addAll(engine.calls());
                        });
                assertThat(beforePlanning).containsExactlyInAnyOrder("tag " + org.imagetree.testing.TestEnvironment.BASE_IMAGE + " " + heldLocally,
                        "inspect " + heldLocally, "inspect " + missing);
                assertThat(plan.get("a").state()).isEqualTo(ImageState.PUBLISHED);
                assertThat(plan.get("local-b").state()).isEqualTo(ImageState.BUILT);
                assertThat(plan.get("local-c").state()).isEqualTo(ImageState.TO_BUILD);
                assertThat(plan.get("local-c").action()).isEqualTo(Action.BUILD);
                // Nothing asked twice, nothing asked about the published image.
                assertThat(engine.calls()).isEqualTo(beforePlanning);
            } finally {
                engine.remove(heldLocally);
            }
        }
    }

    @Test
    void whenEverythingIsPublishedThePlanDoesNotTouchTheEngine() throws Exception {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("noop-b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        TinyImage.docker("a").publishTo(client, ImageReference.parse(registry.host() + "/a:1.0"));
        TinyImage.docker("noop-b").publishTo(client, ImageReference.parse(registry.host() + "/noop-b:2.0"));
        try (org.imagetree.testing.CountingEngine engine = new org.imagetree.testing.CountingEngine(
                org.imagetree.testing.TestEnvironment.engine())) {
            BuildPlan plan = new org.imagetree.ImageTreeEngine(config(), engine, client, Map.of(), java.time.Clock.systemUTC())
                    .loadAndPlanBuild(dir, org.imagetree.ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(), loaded -> { });
            assertThat(plan.work()).isEmpty();
            assertThat(engine.calls()).isEmpty();
        }
    }
}
