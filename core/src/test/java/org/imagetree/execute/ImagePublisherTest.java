package org.imagetree.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.KnownLayers;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ImagePublisher} with the real engine and a real registry: the image the registry serves is the local image
 * (config digest = image id, diff_ids equal); layers the registry has are mounted, not compressed or uploaded again,
 * within a run and, through the layer store, in a later one; what the store says is checked before it is believed.
 */
class ImagePublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static LocalRegistry registry;
    static ContainerEngine docker;
    static RegistryClient client;
    static String base;
    static String parent;
    static String child;

    @BeforeAll
    static void start() throws EngineException {
        TestEnvironment.baseImage();
        registry = LocalRegistry.start();
        docker = TestEnvironment.engine();
        client = RegistryClient.builder().build();
        base = TestEnvironment.publishBaseImage(registry.host());
        String run = Long.toString(System.nanoTime());
        parent = build("publisher-parent-" + run, "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN head -c 300000 /dev/urandom > /parent\n");
        child = build("publisher-child-" + run, "FROM " + parent + "\nRUN head -c 200000 /dev/urandom > /child\n");
    }

    @AfterAll
    static void stop() throws EngineException {
        if (docker != null) {
            for (String image : new String[] {child, parent}) if (image != null) docker.remove(image);
            docker.close();
        }
        if (registry != null) registry.close();
    }

    private static String build(String tag, String dockerfile) throws EngineException {
        try {
            Path dir = Files.createTempDirectory("imagetree-publisher-test-");
            Files.writeString(dir.resolve("Dockerfile"), dockerfile);
            docker.build(new ContainerEngine.BuildRequest(dir, List.of(tag + ":1"), Map.of(), Map.of(), false,
                    ContainerEngine.ResourceLimits.NONE), line -> { });
            ScratchDirectories.delete(dir);
            return tag + ":1";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContainerEngine.LocalImage local(String image) throws EngineException {
        return docker.inspect(image).orElseThrow();
    }

    /** The registry serves {@code ref} as exactly the local image. */
    private static void assertServesLocal(String ref, String image) throws Exception {
        ImageReference r = ImageReference.parse(ref);
        Manifest m = client.getManifest(r).orElseThrow();
        JsonNode manifest = JSON.readTree(m.content());
        ContainerEngine.LocalImage l = local(image);
        assertThat(manifest.path("config").path("digest").asText()).isEqualTo(l.id());
        byte[] config = client.getBlob(r.registry(), r.repository(), l.id()).orElseThrow();
        List<String> diffIds = new ArrayList<>();
        JSON.readTree(config).path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        assertThat(diffIds).isEqualTo(l.layers()).hasSize(manifest.path("layers").size());
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(client.blobExists(r.registry(), r.repository(), layer.path("digest").asText())).isTrue();
        }
    }

    @Test
    void theRegistryServesTheLocalImageAndLayersItHasAreMounted(@TempDir Path tmp) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, tmp.resolve("store"))) {
            ImagePublisher.Published p = publisher.push(parent, registry.host() + "/pub-parent:1", List.of(base), log::add);
            assertThat(p.mounted()).as("the base layer, from the base image").isEqualTo(1);
            assertThat(p.uploaded()).as("config and own layer").isEqualTo(2);
            assertServesLocal(registry.host() + "/pub-parent:1", parent);

            ImagePublisher.Published c = publisher.push(child, registry.host() + "/pub-child:1", List.of(registry.host() + "/pub-parent:1"), log::add);
            assertThat(c.mounted()).as("base and parent layers").isEqualTo(2);
            assertThat(c.uploaded()).isEqualTo(2);
            assertServesLocal(registry.host() + "/pub-child:1", child);
            assertThat(publisher.layersCompressed()).as("only each image's own layer").isEqualTo(2);

            ImagePublisher.Published again = publisher.push(child, registry.host() + "/pub-child:1", List.of(), log::add);
            assertThat(again.digest()).isEqualTo(c.digest());
            assertThat(again.uploaded() + again.mounted()).as("all there").isZero();
        }
        assertThat(log).anyMatch(l -> l.startsWith("mounted ")).anyMatch(l -> l.startsWith("uploaded "));
        assertThat(tmp).isDirectoryNotContaining(f -> f.getFileName().toString().startsWith("imagetree-push-"));
    }

    @Test
    void aLaterRunFindsInTheStoreWhatEarlierRunsPushedAndCompressesNothingAgain(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        try (ImagePublisher first = new ImagePublisher(docker, client, tmp, store)) {
            first.push(parent, registry.host() + "/later-a:1", List.of(base), line -> { });
        }
        try (ImagePublisher later = new ImagePublisher(docker, client, tmp, store)) {
            // No base named: what the layer store says (confirmed with the registry) is all it knows of the child's
            // base and parent layers.
            ImagePublisher.Published p = later.push(child, registry.host() + "/later-b:1", List.of(), line -> { });
            assertThat(p.mounted()).as("base and parent layers").isEqualTo(2);
            assertThat(p.uploaded()).as("config and own layer").isEqualTo(2);
            assertThat(later.layersCompressed()).as("the child's own layer only").isEqualTo(1);
        }
        assertServesLocal(registry.host() + "/later-b:1", child);
    }

    @Test
    void anImagePushedBeforeIsPushedAgainFromItsManifestWithoutAnExport(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        String first;
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, store)) {
            first = publisher.push(parent, registry.host() + "/again-a:1", List.of(base), line -> { }).digest();
        }
        org.imagetree.testing.CountingEngine counting = new org.imagetree.testing.CountingEngine(docker);
        List<String> log = new CopyOnWriteArrayList<>();
        try (ImagePublisher later = new ImagePublisher(counting, client, tmp, store)) {
            ImagePublisher.Published other = later.push(parent, registry.host() + "/again-b:1", List.of(), log::add);
            assertThat(other.digest()).as("the same manifest").isEqualTo(first);
            assertThat(other.mounted()).as("config and both layers, from again-a").isEqualTo(3);
            assertThat(other.uploaded()).isZero();
            ImagePublisher.Published rerun = later.push(parent, registry.host() + "/again-a:2", List.of(), log::add);
            assertThat(rerun.digest()).isEqualTo(first);
            assertThat(later.layersCompressed()).isZero();
        }
        assertThat(counting.count("save ")).as("no export from the engine").isZero();
        assertThat(log).anyMatch(l -> l.contains("as pushed before, without an export"));
        assertServesLocal(registry.host() + "/again-b:1", parent);
        assertServesLocal(registry.host() + "/again-a:2", parent);
    }

    @Test
    void aManifestPushedBeforeWhoseBlobsAreGoneIsForgottenAndTheImageExported(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        ContainerEngine.LocalImage l = local(child);
        // What a store says of a registry that was wiped since: a manifest of the child in a repository that has nothing.
        String config = "{\"digest\":\"" + l.id() + "\",\"size\":1,\"mediaType\":\"application/vnd.docker.container.image.v1+json\"}";
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < l.layers().size(); i++) {
            layers.append(i == 0 ? "" : ",").append("{\"digest\":\"sha256:").append(Integer.toString(i).repeat(64))
                    .append("\",\"size\":1,\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\"}");
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":"
                + config + ",\"layers\":[" + layers + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        new org.imagetree.registry.PushedImages(org.imagetree.registry.PushedImages.besideLayerStore(store)).remember(registry.host(),
                "wiped", l.id(), "application/vnd.docker.distribution.manifest.v2+json", manifest, org.imagetree.registry.Digests.sha256(manifest));
        List<String> log = new CopyOnWriteArrayList<>();
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, store)) {
            publisher.push(child, registry.host() + "/wiped:1", List.of(base), log::add);
        }
        assertThat(log).anyMatch(line -> line.contains("no longer has the blobs"));
        assertServesLocal(registry.host() + "/wiped:1", child);
        assertThat(new org.imagetree.registry.PushedImages(org.imagetree.registry.PushedImages.besideLayerStore(store))
                .find(registry.host(), l.id(), l.layers().size()).orElseThrow().manifest())
                .as("the manifest pushed now is what the store gives next").isNotEqualTo(manifest);
    }

    @Test
    void aStoredBlobTheRegistryDoesNotHaveIsForgottenAndTheLayerPushed(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        String own = local(parent).layers().get(1);
        new KnownLayers(client, store).remember(registry.host(), "nowhere", own, "sha256:" + "0".repeat(64), 123);
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, store)) {
            ImagePublisher.Published p = publisher.push(parent, registry.host() + "/stale-a:1", List.of(base), line -> { });
            assertThat(p.uploaded()).isEqualTo(2);
        }
        assertServesLocal(registry.host() + "/stale-a:1", parent);
        assertThat(Files.readString(store.resolve(own.substring("sha256:".length())))).contains("gone\t" + registry.host());
    }

    @Test
    void aLayerGuessedByItsSizeWronglyMakesTheExportBeReadAgain(@TempDir Path tmp) throws Exception {
        Path measured = tmp.resolve("measured/layers"); // a cache of its own: the image pushed there is not known to the next
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, measured)) {
            publisher.push(parent, registry.host() + "/guess-a:1", List.of(base), line -> { });
        }
        List<String> layers = local(parent).layers();
        long ownSize = new KnownLayers(client, measured).tarSize(layers.get(1)).orElseThrow();
        // A store claiming the base layer has the size of the parent's own layer: that entry is taken for the base.
        Path store = tmp.resolve("store/layers");
        new KnownLayers(client, store).rememberTarSize(layers.get(0), ownSize);
        List<String> log = new CopyOnWriteArrayList<>();
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp, store)) {
            publisher.push(parent, registry.host() + "/guess-b:1", List.of(base), log::add);
        }
        assertThat(log).anyMatch(l -> l.contains("reading the export again"));
        assertServesLocal(registry.host() + "/guess-b:1", parent);
    }

    @Test
    void aLayerWhoseBytesAreNotWhatTheConfigSaysIsRefusedAndNothingIsTagged(@TempDir Path tmp) throws Exception {
        // An engine whose export of the parent has one byte of the parent's own layer (300 kB of random bytes) changed.
        Path tampered = tmp.resolve("tampered.tar");
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(docker.save(parent));
             var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(tampered))) {
            out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e = in.getNextTarEntry(); e != null; e = in.getNextTarEntry()) {
                byte[] bytes = e.isFile() && e.getSize() < 10_000_000 ? in.readAllBytes() : null;
                if (bytes != null && bytes.length > 250_000) bytes[bytes.length / 2] ^= 1;
                out.putArchiveEntry(e);
                if (bytes != null) out.write(bytes); else if (e.isFile()) in.transferTo(out);
                out.closeArchiveEntry();
            }
        }
        ContainerEngine lying = (ContainerEngine) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ContainerEngine.class}, (proxy, method, args) -> {
                    if (method.getName().equals("save")) return Files.newInputStream(tampered);
                    try {
                        return method.invoke(docker, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        String target = registry.host() + "/tampered:1";
        try (ImagePublisher publisher = new ImagePublisher(lying, client, tmp, tmp.resolve("store"))) {
            assertThatThrownBy(() -> publisher.push(parent, target, List.of(base), line -> { }))
                    .isInstanceOf(EngineException.class).hasMessageContaining("holds a layer with digest")
                    .hasMessageContaining("where its config says " + local(parent).layers().get(1));
        }
        assertThat(client.headManifest(ImageReference.parse(target))).as("nothing tagged").isEmpty();
    }

    @Test
    void anImageTheEngineDoesNotHaveFailsClearly(@TempDir Path tmp) {
        try (ImagePublisher publisher = new ImagePublisher(docker, client, tmp)) {
            assertThatThrownBy(() -> publisher.push("imagetree-no-such-image:404", registry.host() + "/none:1", List.of(), line -> { }))
                    .isInstanceOf(EngineException.class).hasMessageContaining("no local image imagetree-no-such-image:404");
        }
    }
}
