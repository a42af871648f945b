package org.imagetree.security;

import org.imagetree.config.ReadLimits;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;
import org.imagetree.registry.RetryPolicy;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.LyingRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry that lies, on loopback in front of a real one: swapped layer and config bytes, a manifest without end, a
 * manifest trickled one byte at a time, a layer that stalls, answers that never come. Every case ends with an error
 * naming the blob and the registry, or the limit and its config key, in bounded time — never with an answer from
 * bytes that were not the image's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntrustedRegistryTest {
    static final String STATUS = "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\n";
    static final ReadLimits FAST = ReadLimits.DEFAULTS.withRequestTimeout(Duration.ofSeconds(2)).withDownloadTimeout(Duration.ofSeconds(3));
    LocalRegistry registry;
    RegistryClient client;
    LayeredImage.Layer base;
    LayeredImage.Layer top;

    @BeforeAll
    void start() {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        base = LayeredImage.layer().file("etc/os-release", "VERSION_CODENAME=bookworm\n").file("var/lib/dpkg/status", STATUS);
        top = LayeredImage.layer().file("var/lib/dpkg/status", STATUS + "\nPackage: app\nStatus: install ok installed\nVersion: 1.0\n");
        LayeredImage.push(client, registry.host() + "/liar/app:1", List.of(base, top), Map.of());
    }

    @AfterAll
    void stop() {
        if (registry != null) registry.close();
    }

    private RegistryClient through(LyingRegistry unused) {
        return RegistryClient.builder().readLimits(FAST).retryPolicy(RetryPolicy.DEFAULT).build();
    }

    private String ref(LyingRegistry liar) { return liar.host() + "/liar/app:1"; }

    @Test
    void aSwappedLayerIsAnErrorNamingTheBlobAndTheRegistryNotAnAnswer() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            // The top layer swapped for one without the app package: a mirror hiding an outdated package.
            byte[] other = LayeredImage.layer().file("var/lib/dpkg/status", STATUS).bytes();
            liar.lie("/blobs/" + top.digest(), new LyingRegistry.Swap(other));
            ImageReader reader = new ImageReader(through(liar));
            assertThatThrownBy(() -> reader.read(ref(liar)))
                    .isInstanceOf(SecurityScanException.class)
                    .hasMessageContaining(liar.host() + ": blob " + top.digest() + " of liar/app")
                    .hasMessageContaining("not the blob asked for");
            // Not retried: the same lie would come again.
            assertThat(liar.log().stream().filter(l -> l.contains(top.digest()))).hasSize(1);
        }
    }

    @Test
    void aLayerWhoseBytesAreCutShortOrRunLongIsAnError() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            byte[] real = top.bytes();
            liar.lie("/blobs/" + top.digest(), new LyingRegistry.Swap(java.util.Arrays.copyOf(real, real.length + 100_000)));
            assertThatThrownBy(() -> new ImageReader(through(liar)).read(ref(liar)))
                    .hasMessageContaining("is longer than the " + real.length + " bytes its descriptor declares");
        }
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/blobs/" + top.digest(), new LyingRegistry.Swap(java.util.Arrays.copyOf(top.bytes(), 40)));
            assertThatThrownBy(() -> new ImageReader(through(liar)).read(ref(liar))).hasMessageContaining("not the blob asked for");
        }
    }

    @Test
    void aSwappedConfigIsAnError() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/blobs/sha256:", new LyingRegistry.Swap("{\"architecture\":\"amd64\",\"config\":{}}".getBytes()));
            assertThatThrownBy(() -> new ImageReader(through(liar)).read(ref(liar))).hasMessageContaining("blob bytes have digest")
                    .hasMessageContaining(liar.host());
        }
    }

    @Test
    void aManifestWithoutEndStopsAtTheManifestLimit() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/manifests/", new LyingRegistry.Endless());
            long start = System.nanoTime();
            RegistryClient c = RegistryClient.builder().readLimits(FAST.withManifestBytes(1 << 20)).build();
            assertThatThrownBy(() -> c.getManifest(ImageReference.parse(ref(liar))))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("more than 1 MiB (max_manifest_bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aManifestTrickledOneByteAtATimeEndsAtTheRequestTimeoutNotBetweenBytes() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/manifests/", new LyingRegistry.Trickle(Duration.ofMillis(50)));
            long start = System.nanoTime();
            assertThatThrownBy(() -> through(liar).getManifest(ImageReference.parse(ref(liar))))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("took longer than 2 s (request_timeout");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aRegistryThatNeverAnswersOrStallsALayerEndsInTime() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/manifests/", new LyingRegistry.Silent());
            long start = System.nanoTime();
            assertThatThrownBy(() -> through(liar).getManifest(ImageReference.parse(ref(liar))))
                    .hasMessageContaining("request_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            liar.lie("/blobs/" + top.digest(), new LyingRegistry.Stall());
            long start = System.nanoTime();
            assertThatThrownBy(() -> new ImageReader(through(liar)).read(ref(liar)))
                    .hasMessageContaining("took longer than 3 s (download_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void anHonestRegistryBehindTheSameProxyIsReadAsUsual() {
        try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) {
            Optional<ImageReader.Image> image = new ImageReader(through(liar)).read(ref(liar));
            assertThat(image).hasValueSatisfying(i -> assertThat(i.packages()).containsEntry("app", "1.0").containsEntry("openssl", "3.0.11-1~deb12u1"));
        }
    }
}
