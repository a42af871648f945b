package org.imagetree.registry;

import org.imagetree.model.ImageReference;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transient faults injected by {@link FaultyProxy} in front of a real registry: retried; persistent ones fail fast enough. */
class RetryTest {
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(1500));
    private static LocalRegistry registry;
    private static TinyImage image;
    private FaultyProxy proxy;
    private RegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start();
        image = TinyImage.docker("retry");
        image.pushTo(RegistryClient.builder().build(), ImageReference.parse(registry.host() + "/tree/retry:1"));
    }

    @AfterAll
    static void stopRegistry() { registry.close(); }

    @BeforeEach
    void startProxy() {
        proxy = FaultyProxy.start(registry.baseUri());
        client = RegistryClient.builder().retryPolicy(POLICY).requestTimeout(Duration.ofMillis(700)).build();
    }

    @AfterEach
    void stopProxy() { proxy.close(); }

    private ImageReference ref(String s) { return ImageReference.parse(proxy.host() + "/" + s); }

    @Test
    void transientServerErrorsAreRetried() {
        proxy.failNext(1, 500).failNext(1, 503);

        assertThat(client.headManifest(ref("tree/retry:1")).map(ManifestDescriptor::digest)).contains(image.manifestDigest());
        assertThat(proxy.requestCount()).isEqualTo(3);
        assertThat(client.requestCount()).isEqualTo(3);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        proxy.failNext(1, 429, "1");
        long start = System.nanoTime();

        assertThat(client.getManifest(ref("tree/retry:1"))).isPresent();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void retryAfterIsCapped() {
        proxy.failNext(1, 429, "3600");
        long start = System.nanoTime();

        assertThat(client.headManifest(ref("tree/retry:1"))).isPresent();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void droppedConnectionsAreRetried() {
        proxy.closeNext(2);

        assertThat(client.listTags(proxy.host(), "tree/retry")).containsExactly("1");
        assertThat(proxy.requestCount()).isEqualTo(3);
    }

    @Test
    void stalledRequestTimesOutAndIsRetried() {
        proxy.stallNext(1, Duration.ofSeconds(3));
        long start = System.nanoTime();

        assertThat(client.headManifest(ref("tree/retry:1"))).isPresent();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void persistentServerErrorFailsAfterTheLastAttempt() {
        proxy.failAlways(new FaultyProxy.Status(503, null));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.headManifest(ref("tree/retry:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains(proxy.host()).contains("HEAD /v2/tree/retry/manifests/1").contains("503");
                });
        assertThat(proxy.requestCount()).isEqualTo(POLICY.maxAttempts());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void persistentConnectionFailureKeepsTheCause() {
        proxy.failAlways(new FaultyProxy.Close());

        assertThatThrownBy(() -> client.headManifest(ref("tree/retry:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(RegistryException.NO_STATUS);
                    assertThat(e.getCause()).isInstanceOf(IOException.class);
                    assertThat(e.getMessage()).contains("after 4 attempt(s)");
                });
        assertThat(client.requestCount()).isEqualTo(POLICY.maxAttempts());
        // The JDK client itself resends an idempotent request once when a connection closes unanswered.
        assertThat(proxy.requestCount()).isBetween(POLICY.maxAttempts(), 2 * POLICY.maxAttempts());
    }

    @Test
    void clientErrorsAreNotRetried() {
        proxy.failNext(1, 400);

        assertThatThrownBy(() -> client.headManifest(ref("tree/retry:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(proxy.requestCount()).isEqualTo(1);
        assertThat(client.headManifest(ref("tree/retry:missing"))).isEmpty();
        assertThat(proxy.requestCount()).isEqualTo(2);
    }

    @Test
    void aFailedUploadRequestIsRetriedOnItsOwnInItsSession() {
        AtomicInteger puts = new AtomicInteger();
        proxy.gate(x -> x.getRequestMethod().equals("PUT") && x.getRequestURI().getPath().contains("/blobs/uploads/")
                && puts.incrementAndGet() == 1 ? new FaultyProxy.Answer(500, java.util.Map.of(), new byte[0]) : null);
        TinyImage fresh = TinyImage.docker("upload-retry");

        client.pushBlob(proxy.host(), "tree/upload", fresh.layerDigest(), fresh.layer());

        assertThat(client.blobExists(proxy.host(), "tree/upload", fresh.layerDigest())).isTrue();
        String session = proxy.requests().get(2).substring("PUT ".length());
        // A 500 says the request was not taken: the PUT goes again as it was, in the same session.
        assertThat(proxy.requests()).startsWith(
                "HEAD /v2/tree/upload/blobs/" + fresh.layerDigest(), "POST /v2/tree/upload/blobs/uploads/",
                "PUT " + session, "PUT " + session);
        assertThat(proxy.requests()).filteredOn(r -> r.startsWith("POST ")).hasSize(1);
        assertThat(puts.get()).isEqualTo(2);
    }
}
