package org.imagetree.registry;

import org.imagetree.model.ImageReference;
import org.imagetree.testing.BearerGate;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Bearer token flow, with {@link BearerGate} in front of a real registry. */
class BearerAuthTest {
    private static final String USER = "ci-build";
    private static final String PASSWORD = "t0ken-Server-Pa55";
    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100));
    private static LocalRegistry registry;
    private FaultyProxy proxy;

    @BeforeAll
    static void startRegistry() { registry = LocalRegistry.start(); }

    @AfterAll
    static void stopRegistry() { registry.close(); }

    @AfterEach
    void stopProxy() { if (proxy != null) proxy.close(); }

    private BearerGate gate(boolean anonymousPull, long expiresIn) {
        proxy = FaultyProxy.start(registry.baseUri());
        return BearerGate.install(proxy, USER, PASSWORD, anonymousPull, expiresIn);
    }

    private RegistryClient.Builder client(String password) {
        RegistryClient.Builder b = RegistryClient.builder().retryPolicy(FAST);
        if (password != null) b.credentials(new RegistryCredentials(proxy.host(), USER, password));
        return b;
    }

    private ImageReference ref(String s) { return ImageReference.parse(proxy.host() + "/" + s); }

    @Test
    void pushAndHeadGetTokensPerScopeAndReuseThem() {
        BearerGate gate = gate(false, 300);
        RegistryClient client = client(PASSWORD).build();
        TinyImage image = TinyImage.docker("bearer");

        image.pushTo(client, ref("tree/bearer:1"));
        assertThat(gate.tokensIssued()).isEqualTo(1); // one pull,push token serves every push call
        assertThat(client.headManifest(ref("tree/bearer:1")).map(ManifestDescriptor::digest)).contains(image.manifestDigest());
        assertThat(gate.tokensIssued()).isEqualTo(2); // a pull token for the read scope
        long before = client.requestCount();

        assertThat(client.headManifest(ref("tree/bearer:1"))).isPresent();
        assertThat(client.listTags(proxy.host(), "tree/bearer")).containsExactly("1");

        assertThat(client.requestCount() - before).isEqualTo(2);
        assertThat(gate.tokensIssued()).isEqualTo(2);
    }

    @Test
    void anonymousTokenIsUsedWhenNoCredentialsAreConfigured() {
        BearerGate gate = gate(true, 300);
        TinyImage.docker("anon").pushTo(client(PASSWORD).build(), ref("tree/anon:1"));

        assertThat(client(null).build().headManifest(ref("tree/anon:1"))).isPresent();
        assertThat(gate.tokensIssued()).isEqualTo(2);
    }

    @Test
    void wrongPasswordIsReportedWithoutShowingIt() {
        gate(false, 300);
        String wrong = "not-the-Pa55";

        assertThatThrownBy(() -> client(wrong).build().headManifest(ref("tree/bearer:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("token server").contains("rejected the credentials");
                    assertThat(BasicAuthTest.fullText(e)).doesNotContain(wrong).doesNotContain(BasicAuthTest.base64(wrong));
                });
    }

    @Test
    void expiredTokenIsRenewed() {
        BearerGate gate = gate(false, 60);
        MutableClock clock = new MutableClock();
        RegistryClient client = client(PASSWORD).clock(clock).build();

        client.headManifest(ref("tree/expiry:1"));
        client.headManifest(ref("tree/expiry:1"));
        assertThat(gate.tokensIssued()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(55)); // past 90 % of the lifetime

        client.headManifest(ref("tree/expiry:1"));

        assertThat(gate.tokensIssued()).isEqualTo(2);
    }

    @Test
    void oneClientServesConcurrentBuilds() throws Exception {
        gate(false, 300);
        RegistryClient client = client(PASSWORD).build();
        TinyImage image = TinyImage.docker("concurrent");
        image.pushTo(client, ref("tree/concurrent:1"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> client.headManifest(ref("tree/concurrent:1")).orElseThrow().digest()));
            }
            for (Future<String> f : results) assertThat(f.get()).isEqualTo(image.manifestDigest());
        } finally {
            pool.shutdownNow();
        }
    }

    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) { now = now.plus(d); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
