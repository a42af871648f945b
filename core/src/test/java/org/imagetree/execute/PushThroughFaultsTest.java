package org.imagetree.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.Manifest;
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

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22's fault model, end to end with the real Docker Engine and a real registry: a proxy in front of the registry
 * answers 503 to every 7th request and drops the connection of every 8th, whoever sends it and whatever it is (the
 * engine's pulls, existence checks, blob upload sessions, chunks and closing PUTs, manifest PUTs). A tree of four
 * images sharing layers is built, pulled and pushed through it: all four are published, and what the registry serves
 * is the local images.
 */
class PushThroughFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    @Test
    void aTreeSharingLayersIsPublishedFourOfFourThroughEverySeventhRequestFailingAndEveryEighthDropped(@TempDir Path tmp)
            throws Exception {
        TestEnvironment.publishBaseImage(registry.host());
        String base = proxy.host() + "/bookworm:latest";
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", proxy.host(), "base_images", List.of(base),
                "allowed_registries", List.of(proxy.host())));
        String run = Long.toString(System.nanoTime());
        // Random bytes do not compress: each image's own layer is ~1 MB, sent in 256 KiB chunks.
        String data = "head -c 1000000 /dev/urandom > /data-";
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("fault-root", "1.0", "FROM " + base + "\nRUN " + data + "root-" + run + "\n", null)
                .image("fault-mid", "1.0", "FROM {{ \"fault-root\" | image_tag }}\nRUN " + data + "mid\n", "fault-root")
                .image("fault-leaf-a", "1.0", "FROM {{ \"fault-mid\" | image_tag }}\nRUN " + data + "a\n", "fault-mid")
                .image("fault-leaf-b", "1.0", "FROM {{ \"fault-mid\" | image_tag }}\nRUN " + data + "b\n", "fault-mid");
        try {
            docker.remove(base); // pulled through the proxy, faults and all
        } catch (EngineException e) {
            throw new IllegalStateException(e);
        }
        List<String> lines = new CopyOnWriteArrayList<>();
        RegistryClient client = RegistryClient.builder(config).requestTimeout(Duration.ofSeconds(10)).uploadChunkSize(256 * 1024)
                // The default policy's attempts (8), with shorter pauses.
                .retryPolicy(new RetryPolicy(RetryPolicy.DEFAULT.maxAttempts(), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .retryLog(line -> lines.add("registry: " + line)).build();
        ImageTreeEngine it = new ImageTreeEngine(config, docker, client, Map.of(), Clock.systemUTC());
        // Besides the counted faults, one of each kind for certain: a manifest PUT dropped, a chunk whose answer is lost
        // after the registry took it, a closing PUT dropped.
        proxy.clearFaults().failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close())
                .injectWhen(r -> r.startsWith("PUT /v2/fault-mid/manifests/"), 1, new FaultyProxy.Close())
                .injectWhen(r -> r.startsWith("PATCH /v2/fault-leaf-a/blobs/uploads/"), 1, new FaultyProxy.CloseAfterForward())
                .injectWhen(r -> r.startsWith("PUT /v2/fault-leaf-b/blobs/uploads/"), 1, new FaultyProxy.Close());
        BuildReport report;
        List<String> faulted;
        try {
            BuildPlan plan = it.loadAndPlanBuild(tree.dir(), TagMode.RELEASE, new PlanOptions(Optional.empty(), true, true), t -> { });
            report = it.execute(plan, new ExecuteOptions(2, true, true, true, tmp.resolve("work")), new BuildListener() {
                @Override public void log(String image, String line) { lines.add(image + ": " + line); }
            });
        } finally {
            faulted = proxy.faulted();
            proxy.clearFaults();
        }
        String context = report.table() + String.join("\n", lines) + "\nfaulted: " + faulted;
        assertThat(report.succeeded()).as(context).isTrue();
        List<List<String>> layers = new ArrayList<>();
        for (String name : List.of("fault-root", "fault-mid", "fault-leaf-a", "fault-leaf-b")) {
            ImageResult r = report.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
            assertThat(r.outcome()).as(context).isEqualTo(Outcome.PUBLISHED);
            Manifest m = direct.getManifest(ImageReference.parse(registry.host() + "/" + name + ":1.0")).orElseThrow();
            assertThat(m.digest()).as(name + ": the registry serves the digest the run reports").isEqualTo(r.digest());
            assertThat(direct.headManifest(ImageReference.parse(registry.host() + "/" + name + ":latest")).orElseThrow().digest())
                    .isEqualTo(r.digest());
            JsonNode manifest = JSON.readTree(m.content());
            String localId = docker.inspect(proxy.host() + "/" + name + ":1.0").orElseThrow().id();
            assertThat(manifest.path("config").path("digest").asText()).as(name + ": the registry's image is the local image").isEqualTo(localId);
            assertThat(diffIds(name, manifest)).as(name + ": its layers are the local layers").isEqualTo(localDiffIds(localId));
            List<String> digests = new ArrayList<>();
            manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
            layers.add(digests);
        }
        // Base, root's and mid's layers are one set of blobs for all: mounted or found, never a second copy.
        assertThat(layers.get(2).subList(0, 3)).isEqualTo(layers.get(1)).isEqualTo(layers.get(3).subList(0, 3));
        assertThat(layers.get(1).subList(0, 2)).isEqualTo(layers.get(0));
        assertThat(faulted).as("uploads were hit").anyMatch(r -> r.contains("/blobs/uploads/") && !r.startsWith("POST "));
        assertThat(faulted).as("manifest PUTs were hit").anyMatch(r -> r.startsWith("PUT ") && r.contains("/manifests/"));
        assertThat(faulted).as("pulls were hit").anyMatch(r -> r.startsWith("GET /v2/bookworm/") || r.startsWith("HEAD /v2/bookworm/")
                || r.startsWith("GET /v2/fault-"));
        assertThat(lines).as("retries are told").anyMatch(l -> l.contains("retrying"));
    }

    /** The diff_ids of the config the registry serves for {@code name}. */
    private static List<String> diffIds(String name, JsonNode manifest) throws IOException {
        byte[] config = direct.getBlob(registry.host(), name, manifest.path("config").path("digest").asText()).orElseThrow();
        List<String> out = new ArrayList<>();
        JSON.readTree(config).path("rootfs").path("diff_ids").forEach(d -> out.add(d.asText()));
        return out;
    }

    private static List<String> localDiffIds(String imageId) {
        String json = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "inspect",
                "--format", "{{json .RootFS.Layers}}", imageId);
        try {
            List<String> out = new ArrayList<>();
            JSON.readTree(json).forEach(d -> out.add(d.asText()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
