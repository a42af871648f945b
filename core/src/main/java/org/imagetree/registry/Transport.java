package org.imagetree.registry;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The {@link HttpClient}s of a {@link RegistryClient}, with its request timeout and round-trip counter: one for
 * {@code https} and one for plain {@code http}, each made on first use. A run that only talks to a loopback or
 * insecure registry therefore never initialises the JVM's default TLS context (its trust store alone costs ~0.1 s
 * of a ~1 s no-op build); the plain client gets a TLS context that trusts nothing, so it cannot be misused for TLS.
 */
final class Transport {
    private final Lazy tls;
    private final Lazy plain;
    private final Duration requestTimeout;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param tls   makes the client for {@code https} (its TLS settings, e.g. a CA bundle, already applied)
     * @param plain the same settings without TLS context, for {@code http}
     */
    Transport(Supplier<HttpClient> tls, Supplier<HttpClient.Builder> plain, Duration requestTimeout) {
        this.tls = new Lazy(tls);
        this.plain = new Lazy(() -> plain.get().sslContext(trustingNothing()).build());
        this.requestTimeout = requestTimeout;
    }

    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", "image-tree");
    }

    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        requests.incrementAndGet();
        HttpClient http = "http".equalsIgnoreCase(request.uri().getScheme()) ? plain.get() : tls.get();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    long requestCount() { return requests.get(); }

    /** A TLS context with no trust manager: every certificate is refused (never used for plain HTTP). */
    private static SSLContext trustingNothing() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[0], null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS implementation", e);
        }
    }

    /** A client made once, on first use; thread-safe. */
    private static final class Lazy {
        private final Supplier<HttpClient> make;
        private volatile HttpClient client;

        Lazy(Supplier<HttpClient> make) { this.make = make; }

        HttpClient get() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) client = c = make.get();
                }
            }
            return c;
        }
    }
}
