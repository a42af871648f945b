package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22's fault model through the command line a user runs, {@code imagetree -c config.yaml --info build TREE},
 * with the real Docker Engine and a real registry behind a proxy that answers 503 to every 7th request and drops the
 * connection of every 8th, whoever sends it (the engine pulling the base, our existence checks, blob uploads, manifest
 * PUTs), with the default retry policy. A tree of four images sharing two layers (root's and mid's, besides the base's)
 * publishes 4 of 4 and exits 0, the registry serving the local images; {@code --info} shows the retries. A fault that
 * does not pass fails the image with one line naming the request, the status and the attempts, exit 1, and no tag.
 */
class TreePushFaultCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static LocalRegistry registry;
    static FaultyProxy proxy;
    static final RegistryClient direct = RegistryClient.builder().build();

    @BeforeAll
    static void start() {
        TestEnvironment.baseImage();
        registry = LocalRegistry.start();
        proxy = FaultyProxy.start(registry.baseUri());
        TestEnvironment.publishBaseImage(registry.host());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (registry != null) registry.close();
    }

    private static Path config(Path dir) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), "registry: " + proxy.host() + "\nbase_images:\n  - " + proxy.host()
                + "/bookworm:latest\nallowed_registries:\n  - " + proxy.host() + "\n");
    }

    @Test
    void aTreeSharingTwoLayersPublishesFourOfFourExitZeroAndTheRegistryServesTheLocalImages(@TempDir Path dir) throws Exception {
        String base = proxy.host() + "/bookworm:latest";
        // Pulled through the proxy, faults and all, before anything is built.
        TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "rm", "-f", base);
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Random bytes do not compress: each image's own layer is ~1 MB.
        String data = "head -c 1000000 /dev/urandom > /data-";
        List<String> names = List.of("cli-fault-root-" + run, "cli-fault-mid-" + run, "cli-fault-a-" + run, "cli-fault-b-" + run);
        SmallTree tree = SmallTree.at(dir.resolve("images"))
                .image(names.get(0), "1.0", "FROM " + base + "\nRUN " + data + "root\n", null)
                .image(names.get(1), "1.0", "FROM {{ \"" + names.get(0) + "\" | image_tag }}\nRUN " + data + "mid\n", names.get(0))
                .image(names.get(2), "1.0", "FROM {{ \"" + names.get(1) + "\" | image_tag }}\nRUN " + data + "a\n", names.get(1))
                .image(names.get(3), "1.0", "FROM {{ \"" + names.get(1) + "\" | image_tag }}\nRUN " + data + "b\n", names.get(1));
        Path config = config(dir);
        // Besides the counted faults, for certain: the base's layer download dropped once, a manifest PUT dropped once.
        proxy.clearFaults().failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close())
                .injectWhen(q -> q.startsWith("GET /v2/bookworm/blobs/"), 1, new FaultyProxy.Close())
                .injectWhen(q -> q.startsWith("PUT /v2/" + names.get(1) + "/manifests/"), 1, new FaultyProxy.Close());
        CliRun r;
        List<String> faulted;
        try {
            r = CliRun.of(Map.of("HOME", Files.createDirectories(dir.resolve("home")).toString(), "XDG_CACHE_HOME",
                    dir.resolve("cache").toString()), "-c", config.toString(), "--info", "build", tree.dir().toString());
        } finally {
            faulted = proxy.faulted();
            proxy.clearFaults();
        }
        String context = r.all() + "\nfaulted: " + faulted;
        assertThat(r.exitCode()).as(context).isZero();
        List<List<String>> layers = new ArrayList<>();
        for (String name : names) {
            assertThat(r.out()).as(context).containsPattern(name + "\\s+1\\.0\\s+published");
            Manifest m = direct.getManifest(ImageReference.parse(registry.host() + "/" + name + ":1.0")).orElseThrow();
            assertThat(direct.headManifest(ImageReference.parse(registry.host() + "/" + name + ":latest")).orElseThrow().digest())
                    .as(name + ":latest").isEqualTo(m.digest());
            JsonNode manifest = JSON.readTree(m.content());
            String localId = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "inspect",
                    "--format", "{{.Id}}", proxy.host() + "/" + name + ":1.0").trim();
            assertThat(manifest.path("config").path("digest").asText()).as(name + ": the registry serves the local image").isEqualTo(localId);
            String localLayers = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "inspect",
                    "--format", "{{json .RootFS.Layers}}", localId).trim();
            byte[] servedConfig = direct.getBlob(registry.host(), name, localId).orElseThrow();
            assertThat(JSON.readTree(servedConfig).path("rootfs").path("diff_ids")).as(name + ": its layers are the local layers")
                    .isEqualTo(JSON.readTree(localLayers));
            List<String> digests = new ArrayList<>();
            manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
            layers.add(digests);
        }
        // The two shared layers (root's and mid's) and the base's are one set of blobs for the whole tree.
        assertThat(layers.get(2).subList(0, layers.get(1).size())).isEqualTo(layers.get(1)).isEqualTo(layers.get(3).subList(0, layers.get(1).size()));
        assertThat(layers.get(1).subList(0, layers.get(0).size())).isEqualTo(layers.get(0));
        assertThat(faulted).as("the base pull was hit").anyMatch(q -> q.contains("/v2/bookworm/"));
        assertThat(faulted).as("uploads were hit").anyMatch(q -> q.contains("/blobs/uploads/"));
        assertThat(faulted).as("manifest PUTs were hit").anyMatch(q -> q.startsWith("PUT ") && q.contains("/manifests/"));
        assertThat(r.out()).as("--info shows the retries").contains("[registry] ").contains("retrying");
    }

    @Test
    void aFaultThatDoesNotPassNamesTheRequestItsStatusAndTheAttemptsExitOneAndNoTag(@TempDir Path dir) throws Exception {
        String name = "cli-stuck-" + UUID.randomUUID().toString().substring(0, 8);
        SmallTree tree = SmallTree.at(dir.resolve("images"))
                .image(name, "1.0", "FROM " + proxy.host() + "/bookworm:latest\nRUN echo " + name + " > /stuck\n", null);
        // Every closing PUT of an upload to this repository fails; the rest of the registry is healthy.
        proxy.clearFaults().injectWhen(q -> q.startsWith("PUT /v2/" + name + "/blobs/uploads/"), -1, new FaultyProxy.Status(503, null));
        CliRun r;
        try {
            r = CliRun.of(Map.of("HOME", Files.createDirectories(dir.resolve("home")).toString(), "XDG_CACHE_HOME",
                    dir.resolve("cache").toString()), "-c", config(dir).toString(), "build", tree.dir().toString());
        } finally {
            proxy.clearFaults();
        }
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.all()).as("the request, the status, the attempts")
                .contains(proxy.host() + ": PUT /v2/" + name + "/blobs/uploads/").contains("503").contains("gave up after 8 attempts");
        assertThat(r.all()).as("no upload URL state leaks").doesNotContain("_state=");
        assertThat(direct.listTags(registry.host(), name)).as("nothing published").isEmpty();
    }
}
