package org.imagetree.security;

import org.imagetree.InputError;
import org.imagetree.config.ReadLimits;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.OurRegistries;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.LyingRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each unbounded read the issue found, generated large and read in a JVM whose heap is capped at 512 MiB (the
 * {@code bounded-heap} surefire execution runs this class with {@code -Xmx512m}): it ends with the error naming its
 * limit, in bounded time, or — for the largest input a default accepts — completes without running out of memory.
 * Layers are generated as gzip streams (hundreds of MiB of content from a few MB on disk).
 */
@Tag("bounded-heap")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoundedReadsTest {
    private static final long MIB = 1 << 20;
    LocalRegistry registry;
    RegistryClient client;
    LayeredImage.Layer base;
    Path work;

    @BeforeAll
    void setUp() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx512m (the bounded-heap execution)").isLessThanOrEqualTo(512 * MIB);
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        base = LayeredImage.layer().file("etc/os-release", "VERSION_CODENAME=bookworm\n")
                .file("var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n");
        work = Files.createTempDirectory("itbounded");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (registry != null) registry.close();
        if (work != null) org.imagetree.testing.SignedAptRepository.deleteTree(work);
    }

    private String ref(String name) { return registry.host() + "/bounded/" + name; }

    private static Duration since(long start) { return Duration.ofNanos(System.nanoTime() - start); }

    @Test
    void aLayerThatDecompressesWithoutEndStopsAtTheLayerLimit() {
        try (LayeredImage.Streamed bomb = new LayeredImage.Streamed().repeated("zz/zeros", 320 * MIB, (byte) 0)
                .file("var/lib/dpkg/status", "Package: hidden\nVersion: 1\n")) {
            LayeredImage.pushAny(client, ref("bomb:1"), List.of(base, bomb), Map.of());
            assertThat(bomb.size()).isLessThan(8 * MIB);
            long start = System.nanoTime();
            ImageReader reader = new ImageReader(client, ReadLimits.DEFAULTS.withLayerBytes(128 * MIB));
            assertThatThrownBy(() -> reader.read(ref("bomb:1")))
                    .isInstanceOf(SecurityScanException.class)
                    .hasMessageContaining("layer decompresses to more than 128 MiB (max_layer_bytes");
            assertThat(since(start)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void aHugeStatusIsRefusedByItsSizeWithoutBeingRead() {
        try (LayeredImage.Streamed huge = new LayeredImage.Streamed().repeated("var/lib/dpkg/status", 500 * MIB, (byte) '\n')) {
            LayeredImage.pushAny(client, ref("huge-status:1"), List.of(base, huge), Map.of());
            assertThatThrownBy(() -> new ImageReader(client).read(ref("huge-status:1")))
                    .isInstanceOf(SecurityScanException.class)
                    .hasMessageContaining("var/lib/dpkg/status is more than 32 MiB (max_status_bytes");
        }
    }

    @Test
    void theLargestStatusTheDefaultAcceptsIsReadInBoundedMemory() {
        // ~30 MiB of one-line stanzas: 850,000 packages, the worst case for memory per byte.
        int count = 850_000;
        try (LayeredImage.Streamed big = new LayeredImage.Streamed().lines("var/lib/dpkg/status", count,
                i -> "Package: p" + i + "\nVersion: 1." + i + "\n\n")) {
            LayeredImage.pushAny(client, ref("big-status:1"), List.of(base, big), Map.of());
            ImageReader.Image image = new ImageReader(client).read(ref("big-status:1")).orElseThrow();
            assertThat(image.packages()).hasSize(count).containsEntry("p849999", "1.849999");
        }
    }

    @Test
    void aManifestWithoutEndStopsAtTheManifestLimit() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/manifests/", new LyingRegistry.Endless());
            assertThatThrownBy(() -> client.getManifest(ImageReference.parse(liar.host() + "/bounded/x:1")))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("more than 4 MiB (max_manifest_bytes");
        }
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/blobs/" + base.digest(), new LyingRegistry.Endless());
            LayeredImage.push(client, ref("endless-layer:1"), List.of(base), Map.of());
            assertThatThrownBy(() -> new ImageReader(client).read(liar.host() + "/bounded/endless-layer:1"))
                    .hasMessageContaining("bytes its descriptor declares");
        }
    }

    @Test
    void aPodListIsBoundedAndReadAsAStream() throws Exception {
        Path gigabyte = work.resolve("pods-1g.json");
        try (RandomAccessFile f = new RandomAccessFile(gigabyte.toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: nothing written to disk
        }
        StaleImages stale = new StaleImages(client, OurRegistries.of(List.of(registry.host())), ReadLimits.DEFAULTS, 4);
        assertThatThrownBy(() -> stale.check(List.of(), Optional.of(gigabyte)))
                .isInstanceOf(InputError.class).hasMessageContaining("more than 128 MiB (max_pods_bytes");

        // ~120 MB of pods as kubectl writes them (most of each is status and metadata the report does not keep).
        Path pods = work.resolve("pods.json");
        String padding = "\"managedFields\": [{\"manager\": \"kubelet\", \"fieldsV1\": {\"f:status\": \"" + "x".repeat(400) + "\"}}]";
        int n = 200_000;
        try (BufferedWriter w = Files.newBufferedWriter(pods, StandardCharsets.UTF_8)) {
            w.write("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
            for (int i = 0; i < n; i++) {
                if (i > 0) w.write(",\n");
                w.write("{\"metadata\": {\"name\": \"svc-" + i + "\", \"namespace\": \"ns" + (i % 50) + "\", " + padding + "}, "
                        + "\"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"registry.example.org/svc" + (i % 20) + ":1\"}]}}");
            }
            w.write("]}\n");
        }
        assertThat(Files.size(pods)).isBetween(90 * MIB, 128 * MIB);
        StaleImages.Report report = stale.check(List.of(), Optional.of(pods));
        assertThat(report.images()).hasSize(20).allSatisfy(i -> assertThat(i.note()).startsWith("not ours: registry.example.org"));
        assertThat(report.failed()).isFalse();
        assertThat(report.text()).contains("20 images checked, 0 stale");
    }
}
