package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RetryPolicy;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Docker Engine pushes to a real registry through a fault-injecting proxy on loopback (the tree's
 * registry host is the proxy, which dockerd treats as insecure): transient 5xx, resets and stalls are retried;
 * a fault that persists fails only the images it touches, and the next run publishes them.
 */
class RegistryFaultTest {
    static LocalRegistry registry;
    static FaultyProxy proxy;
    static ContainerEngine docker;
    static final RegistryClient direct = RegistryClient.builder().build();

    @BeforeAll
    static void start() {
        TestEnvironment.baseImage();
        registry = LocalRegistry.start();
        proxy = FaultyProxy.start(registry.baseUri());
        docker = TestEnvironment.engine();
    }

    @AfterAll
    static void stop() {
        if (docker != null) docker.close();
        if (proxy != null) proxy.close();
        if (registry != null) registry.close();
    }

    private static ImageTreeEngine engine() {
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", proxy.host(), "base_images", List.of(TestEnvironment.BASE_IMAGE),
                "allowed_registries", List.of(proxy.host(), "docker.io/imagetree-local")));
        RegistryClient client = RegistryClient.builder(config).requestTimeout(Duration.ofSeconds(2))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1))).build();
        return new ImageTreeEngine(config, docker, client, Map.of(), Clock.systemUTC());
    }

    private static BuildReport build(Path dir, Path work) throws InterruptedException {
        ImageTreeEngine it = engine();
        BuildPlan plan = it.plan(it.load(dir, TagMode.RELEASE), new PlanOptions(Optional.empty(), false, true));
        return it.execute(plan, new ExecuteOptions(2, true, false, true, work), BuildListener.NONE);
    }

    private static BuildReport build(EngineConfig config, Path dir, Path work) throws InterruptedException {
        return build(config, dir, work, (image, line) -> { });
    }

    /** With pulls (base images, published parents), and every retry told to {@code log}. */
    private static BuildReport build(EngineConfig config, Path dir, Path work, java.util.function.BiConsumer<String, String> log)
            throws InterruptedException {
        RegistryClient client = RegistryClient.builder(config).requestTimeout(Duration.ofSeconds(5))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .retryLog(line -> log.accept("registry", line)).build();
        ImageTreeEngine it = new ImageTreeEngine(config, docker, client, Map.of(), Clock.systemUTC());
        BuildPlan plan = it.loadAndPlanBuild(dir, TagMode.RELEASE, new PlanOptions(Optional.empty(), true, true), t -> { });
        return it.execute(plan, new ExecuteOptions(2, true, true, true, work), new BuildListener() {
            @Override public void log(String image, String line) { log.accept(image, line); }
        });
    }

    private static Optional<ManifestDescriptor> inRegistry(String nameTag) {
        return direct.headManifest(ImageReference.parse(registry.host() + "/" + nameTag));
    }

    private static ImageResult result(BuildReport r, String name) {
        return r.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    private static String from(String marker) {
        return "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + marker + " > /marker-" + marker + "\n";
    }

    @Test
    void transientServerErrorsResetsAndStallsAreRetried(@TempDir Path tmp) throws InterruptedException {
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("flaky-a", "1.0", from("flaky-a-" + System.nanoTime()), null)
                .image("flaky-b", "1.0", "FROM {{ \"flaky-a\" | image_tag }}\nRUN echo b > /b\n", "flaky-a");
        proxy.clearFaults()
                .injectWhen(r -> r.startsWith("HEAD /v2/flaky-a/manifests/"), 1, new FaultyProxy.Stall(Duration.ofSeconds(4)))
                .injectWhen(r -> r.startsWith("HEAD /v2/flaky-b/manifests/"), 1, new FaultyProxy.Status(500, null))
                .injectWhen(r -> r.startsWith("PUT /v2/flaky-a/manifests/1.0"), 2, new FaultyProxy.Status(503, null))
                .injectWhen(r -> r.startsWith("PUT /v2/flaky-b/manifests/1.0"), 1, new FaultyProxy.Close())
                .injectWhen(r -> r.startsWith("PUT /v2/flaky-b/manifests/latest"), 1, new FaultyProxy.Status(500, null));
        try {
            BuildReport report = build(tree.dir(), tmp.resolve("work"));
            assertThat(report.succeeded()).as(report.table()).isTrue();
            for (String name : List.of("flaky-a", "flaky-b")) {
                ImageResult r = result(report, name);
                assertThat(r.outcome()).as(report.table()).isEqualTo(Outcome.PUBLISHED);
                assertThat(inRegistry(name + ":1.0")).map(ManifestDescriptor::digest).contains(r.digest());
                assertThat(inRegistry(name + ":latest")).map(ManifestDescriptor::digest).contains(r.digest());
            }
            assertThat(proxy.faulted()).as("every injected fault was hit").hasSize(6);
        } finally {
            proxy.clearFaults();
        }
    }

    @Test
    void aTreeIsFullyPublishedThroughAProxyFailingEverySeventhRequestPullsIncluded(@TempDir Path tmp) throws InterruptedException {
        // The base image comes from the registry, through the proxy: dockerd pulls it (and a published parent) there.
        TestEnvironment.publishBaseImage(registry.host());
        String base = proxy.host() + "/bookworm:latest";
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", proxy.host(), "base_images", List.of(base),
                "allowed_registries", List.of(proxy.host())));
        String run = Long.toString(System.nanoTime());
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("seventh-root", "1.0", "FROM " + base + "\nRUN echo " + run + " > /root-marker\n", null);
        assertThat(build(config, tree.dir(), tmp.resolve("work")).succeeded()).isTrue();
        tree.image("seventh-mid", "1.0", "FROM {{ \"seventh-root\" | image_tag }}\nRUN echo mid > /mid\n", "seventh-root")
                .image("seventh-leaf", "1.0", "FROM {{ \"seventh-mid\" | image_tag }}\nRUN echo leaf > /leaf\n", "seventh-mid")
                .image("seventh-side", "1.0", "FROM " + base + "\nRUN echo " + run + " > /side\n", null);
        try (ContainerEngine engine = TestEnvironment.engine()) {
            // Not local any more: both have to come through the proxy.
            engine.remove(base);
            engine.remove(proxy.host() + "/seventh-root:1.0");
        } catch (EngineException e) {
            throw new IllegalStateException(e);
        }
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        BuildReport report;
        List<String> faulted;
        // Every 7th request fails, among all but the requests of a blob upload session (uploads through the faults are
        // PushThroughFaultsTest's; this test is about pulls and existence checks). Nor are the engine's API pings
        // (GET /v2/) counted: a retried pull of a few layers could be seven requests, so every attempt would meet
        // exactly one fault (a resonance, not a fault model). Which requests the counted faults meet depends on how
        // many came before, so one pull of the base's blobs fails for certain: the engine's pull is then repeated.
        proxy.clearFaults().failEvery(7, new FaultyProxy.Status(503, null),
                r -> !(r.contains("/blobs/uploads/") && !r.startsWith("GET ") && !r.startsWith("HEAD ")) && !r.equals("GET /v2/"))
                .injectWhen(r -> r.startsWith("GET /v2/bookworm/blobs/"), 1, new FaultyProxy.Status(503, null));
        try {
            report = build(config, tree.dir(), tmp.resolve("work"), (image, line) -> lines.add(image + ": " + line));
        } finally {
            faulted = proxy.faulted();
            proxy.clearFaults();
        }
        assertThat(report.succeeded()).as(report.table() + String.join("\n", lines) + "\nfaulted: " + faulted + "\nrequests: " + String.join("\n", proxy.requests())).isTrue();
        for (String name : List.of("seventh-mid", "seventh-leaf", "seventh-side")) {
            ImageResult r = result(report, name);
            assertThat(r.outcome()).as(report.table()).isEqualTo(Outcome.PUBLISHED);
            assertThat(inRegistry(name + ":1.0")).map(ManifestDescriptor::digest).contains(r.digest());
            assertThat(inRegistry(name + ":latest")).map(ManifestDescriptor::digest).contains(r.digest());
        }
        assertThat(result(report, "seventh-root").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(faulted).as("faults were injected, on pulls too").isNotEmpty()
                .anyMatch(r -> r.startsWith("GET /v2/bookworm/") || r.startsWith("GET /v2/seventh-root/") || r.startsWith("HEAD /v2/bookworm/"));
        assertThat(lines).as("retries are told").anyMatch(l -> l.contains("retrying"));
    }

    @Test
    void aFailureBetweenTheTwoTagsSaysWhatWasPushedAndTheNextRunSetsTheRestWithoutARebuild(@TempDir Path tmp) throws InterruptedException {
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("halfway", "1.0", from("halfway-" + System.nanoTime()), null);
        proxy.clearFaults().injectWhen(r -> r.equals("PUT /v2/halfway/manifests/latest"), -1, new FaultyProxy.Status(503, null));
        BuildReport first;
        try {
            first = build(tree.dir(), tmp.resolve("work"));
        } finally {
            proxy.clearFaults();
        }
        ImageResult failed = result(first, "halfway");
        assertThat(failed.outcome()).as(first.table()).isEqualTo(Outcome.FAILED);
        assertThat(failed.reason()).contains("/v2/halfway/manifests/latest").contains("503").contains("gave up after 4 attempts")
                .contains("pushed before the failure: 1.0");
        String version = inRegistry("halfway:1.0").orElseThrow().digest();
        assertThat(inRegistry("halfway:latest")).isEmpty();

        BuildReport second = build(tree.dir(), tmp.resolve("work"));
        ImageResult repaired = result(second, "halfway");
        assertThat(repaired.outcome()).as(second.table()).isEqualTo(Outcome.PUBLISHED);
        assertThat(repaired.reason()).contains("set latest").contains("no rebuild");
        assertThat(repaired.digest()).isEqualTo(version);
        assertThat(inRegistry("halfway:latest")).map(ManifestDescriptor::digest).contains(version);
    }

    @Test
    void aPersistentFaultFailsOnlyTheImagesItTouchesAndTheNextRunPublishesThem(@TempDir Path tmp) throws InterruptedException {
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("broken-a", "2.0", from("broken-a-" + System.nanoTime()), null)
                .image("broken-b", "2.0", "FROM {{ \"broken-a\" | image_tag }}\nRUN echo b > /b\n", "broken-a")
                .image("healthy-c", "2.0", from("healthy-c-" + System.nanoTime()), null);
        proxy.clearFaults().injectWhen(r -> r.startsWith("PUT /v2/broken-a/manifests/"), -1, new FaultyProxy.Status(503, null));
        BuildReport first;
        List<String> faulted;
        try {
            first = build(tree.dir(), tmp.resolve("work"));
        } finally {
            faulted = proxy.faulted();
            proxy.clearFaults();
        }
        assertThat(first.succeeded()).isFalse();
        ImageResult a = result(first, "broken-a");
        assertThat(a.outcome()).as(first.table()).isEqualTo(Outcome.FAILED);
        assertThat(a.reason()).as("the cause is in the summary: the request, its status and the attempts")
                .contains(proxy.host() + ": PUT /v2/broken-a/manifests/2.0").contains("503").contains("gave up after 4 attempts");
        assertThat(first.table()).contains("503");
        assertThat(result(first, "broken-b").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(result(first, "broken-b").reason()).contains("parent broken-a failed");
        assertThat(result(first, "healthy-c").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(inRegistry("broken-a:2.0")).as("nothing recorded as published").isEmpty();
        assertThat(inRegistry("broken-b:2.0")).isEmpty();
        assertThat(inRegistry("healthy-c:2.0")).isPresent();
        assertThat(faulted).as("retried, but bounded").hasSize(4);

        BuildReport second = build(tree.dir(), tmp.resolve("work"));
        assertThat(second.succeeded()).as(second.table()).isTrue();
        assertThat(result(second, "broken-a").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(result(second, "broken-b").outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(result(second, "healthy-c").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(inRegistry("broken-a:2.0")).map(ManifestDescriptor::digest).contains(result(second, "broken-a").digest());
    }
}
