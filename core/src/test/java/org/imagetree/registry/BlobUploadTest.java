package org.imagetree.registry;

import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Blob uploads through {@link FaultyProxy} in front of a real Distribution registry: each request is retried on its
 * own, a chunked upload resumes from the registry's {@code Range} when the session survived and restarts when it did
 * not, and whatever happened the registry ends up with exactly the blob's bytes.
 */
class BlobUploadTest {
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(1500));
    private static final int CHUNK = 64 * 1024;
    private static LocalRegistry registry;
    private FaultyProxy proxy;
    private RegistryClient client;
    private final List<String> told = new CopyOnWriteArrayList<>();
    private static final RegistryClient direct = RegistryClient.builder().build();

    @BeforeAll
    static void startRegistry() { registry = LocalRegistry.start(); }

    @AfterAll
    static void stopRegistry() { registry.close(); }

    @BeforeEach
    void startProxy() {
        proxy = FaultyProxy.start(registry.baseUri());
        client = RegistryClient.builder().retryPolicy(POLICY).requestTimeout(Duration.ofSeconds(5)).uploadChunkSize(CHUNK)
                .retryLog(told::add).build();
    }

    @AfterEach
    void stopProxy() { proxy.close(); }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static final Predicate<String> PATCH = r -> r.startsWith("PATCH ");
    private static final Predicate<String> POST = r -> r.startsWith("POST ");
    private static final Predicate<String> PUT = r -> r.startsWith("PUT ") && r.contains("/blobs/uploads/");

    private long count(Predicate<String> p) { return proxy.requests().stream().filter(p).count(); }

    /** The registry holds exactly these bytes under their digest (read directly, not through the proxy). */
    private static void assertStored(String repository, byte[] content) {
        assertThat(direct.getBlob(registry.host(), repository, Digests.sha256(content))).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
    }

    private UploadOutcome upload(String repository, byte[] content) {
        return client.upload(proxy.host(), repository, BlobContent.of(content), List.of());
    }

    @Test
    void aSmallBlobGoesUpInOnePutALargeOneInChunks() {
        byte[] small = random(1000, 1);
        byte[] large = random(5 * CHUNK + 123, 2);
        assertThat(upload("up/plain", small)).isEqualTo(UploadOutcome.UPLOADED);
        assertThat(count(PATCH)).isZero();
        assertThat(upload("up/plain", large)).isEqualTo(UploadOutcome.UPLOADED);
        assertThat(count(PATCH)).isEqualTo(6);
        assertThat(client.bytesUploaded()).isEqualTo(small.length + large.length);
        assertStored("up/plain", small);
        assertStored("up/plain", large);

        assertThat(upload("up/plain", large)).as("a blob the repository has is not sent again").isEqualTo(UploadOutcome.PRESENT);
        assertThat(client.bytesUploaded()).isEqualTo(small.length + large.length);
    }

    @Test
    void aFailedChunkTheRegistryNeverSawIsResumedFromItsRange() {
        byte[] blob = random(4 * CHUNK, 3);
        proxy.clearFaults().failEvery(2, new FaultyProxy.Status(503, null), PATCH).failEvery(3, new FaultyProxy.Close(), PATCH);

        assertThat(upload("up/resume", blob)).isEqualTo(UploadOutcome.UPLOADED);

        assertStored("up/resume", blob);
        assertThat(count(POST)).as("one session: resumed, never restarted").isEqualTo(1);
        assertThat(count(r -> r.startsWith("GET ") && r.contains("/blobs/uploads/"))).as("asked where the upload stands").isPositive();
        assertThat(told).anyMatch(l -> l.contains("PATCH /v2/up/resume/blobs/uploads/") && l.contains("503") && l.contains("retrying"));
        assertThat(told).noneMatch(l -> l.contains("restarts"));
    }

    @Test
    void aChunkCutOffMidBodyRestartsTheUploadWhenTheRegistryDropsTheSession() {
        byte[] blob = random(3 * CHUNK, 4);
        // Distribution keeps the bytes that arrived, then cancels the session: its state token no longer matches.
        proxy.injectWhen(PATCH, 1, new FaultyProxy.TruncateBody(0.5));

        assertThat(upload("up/truncated", blob)).isEqualTo(UploadOutcome.UPLOADED);

        assertStored("up/truncated", blob);
        assertThat(count(POST)).isEqualTo(2);
        assertThat(told).anyMatch(l -> l.contains("restarts"));
    }

    @Test
    void aLostAnswerToAChunkAndToTheClosingPutAreSettled() {
        byte[] blob = random(3 * CHUNK, 5);
        proxy.injectWhen(PATCH, 1, new FaultyProxy.CloseAfterForward());
        proxy.injectWhen(PUT, 1, new FaultyProxy.CloseAfterForward());

        assertThat(upload("up/lost", blob)).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/lost", blob);
        // The lost PUT completed the blob: its session is gone (GET), the blob is there (HEAD); nothing is sent again.
        List<String> requests = proxy.requests();
        String lastPut = requests.stream().filter(PUT).reduce((a, b) -> b).orElseThrow();
        assertThat(requests.subList(requests.lastIndexOf(lastPut) + 1, requests.size()))
                .containsExactly("GET " + lastPut.substring("PUT ".length()), "HEAD /v2/up/lost/blobs/" + Digests.sha256(blob));
    }

    @Test
    void aMonolithicPutThatFailsIsSentAgain() {
        byte[] blob = random(CHUNK / 2, 6);
        proxy.injectWhen(PUT, 1, new FaultyProxy.Close()).injectWhen(PUT, 1, new FaultyProxy.TruncateBody(0.3))
                .injectWhen(PUT, 1, new FaultyProxy.Status(500, null));

        assertThat(upload("up/mono", blob)).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/mono", blob);
    }

    @Test
    void aSessionOpenedWithoutLocationIsAskedForAgain() {
        byte[] blob = random(100, 7);
        proxy.injectWhen(POST, 1, new FaultyProxy.Rewrite(a -> new FaultyProxy.Answer(a.status(), without(a.headers(), "Location"), a.body())));

        assertThat(upload("up/nolocation", blob)).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/nolocation", blob);
        assertThat(told).anyMatch(l -> l.contains("POST /v2/up/nolocation/blobs/uploads/") && l.contains("without a Location"));
    }

    @Test
    void aWrongRangeNeverCorruptsTheBlob() {
        byte[] blob = random(4 * CHUNK, 8);
        // Once a Range short of what was sent (the client resends from there: Distribution then drops the session),
        // once a Range beyond it (nonsense: restart at once).
        proxy.injectWhen(PATCH, 1, new FaultyProxy.Rewrite(a -> new FaultyProxy.Answer(a.status(), with(a.headers(), "Range", "0-99"), a.body())));
        assertThat(upload("up/shortrange", blob)).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/shortrange", blob);

        proxy.clearFaults().injectWhen(PATCH, 1, new FaultyProxy.Rewrite(a ->
                new FaultyProxy.Answer(a.status(), with(a.headers(), "Range", "0-" + (10 * CHUNK)), a.body())));
        byte[] other = random(4 * CHUNK, 9);
        assertThat(upload("up/longrange", other)).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/longrange", other);
        assertThat(told).anyMatch(l -> l.contains("answered Range 0-" + (10 * CHUNK)) && l.contains("restarts"));
    }

    @Test
    void tooManyRequestsOnAChunkWaitsForRetryAfter() {
        byte[] blob = random(2 * CHUNK, 10);
        proxy.injectWhen(PATCH, 1, new FaultyProxy.Status(429, "1"));
        long start = System.nanoTime();

        assertThat(upload("up/429", blob)).isEqualTo(UploadOutcome.UPLOADED);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertStored("up/429", blob);
    }

    @Test
    void aBlobOfTheRegistryIsMountedNotUploadedAgain() {
        byte[] blob = random(2 * CHUNK, 11);
        assertThat(upload("up/source", blob)).isEqualTo(UploadOutcome.UPLOADED);
        long sent = client.bytesUploaded();

        assertThat(client.upload(proxy.host(), "up/target", BlobContent.of(blob), List.of("up/source"))).isEqualTo(UploadOutcome.MOUNTED);
        assertThat(client.bytesUploaded()).isEqualTo(sent);
        assertStored("up/target", blob);

        // A source that does not have it: the registry opens an ordinary session instead, which the upload uses.
        byte[] fresh = random(1000, 12);
        assertThat(client.upload(proxy.host(), "up/target", BlobContent.of(fresh), List.of("up/nowhere"))).isEqualTo(UploadOutcome.UPLOADED);
        assertStored("up/target", fresh);
    }

    @Test
    void everySeventhRequestFailingAndEveryEighthDroppedStillUploadsEveryBlob() {
        proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close());
        for (int i = 0; i < 6; i++) {
            byte[] blob = random(i % 2 == 0 ? 7 * CHUNK + i : 500 + i, 100 + i);
            assertThat(upload("up/seventh", blob)).isEqualTo(UploadOutcome.UPLOADED);
            assertStored("up/seventh", blob);
        }
        assertThat(proxy.faulted()).hasSizeGreaterThan(5);
    }

    @Test
    void aFaultThatPersistsFailsNamingTheRequestStatusAndAttempts() {
        byte[] blob = random(2 * CHUNK, 13);
        proxy.injectWhen(PATCH, -1, new FaultyProxy.Status(503, null));

        assertThatThrownBy(() -> upload("up/broken", blob)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("PATCH /v2/up/broken/blobs/uploads/").hasMessageContaining("503")
                .hasMessageContaining("gave up after 4 attempts")
                .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(503));
        assertThat(direct.blobExists(registry.host(), "up/broken", Digests.sha256(blob))).isFalse();
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> out = new HashMap<>(headers);
        out.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        return out;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> out = without(headers, name);
        out.put(name, value);
        return out;
    }
}
