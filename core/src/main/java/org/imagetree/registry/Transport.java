package org.imagetree.registry;

import org.imagetree.config.ReadLimits;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link HttpClient}s of a {@link RegistryClient}, with its request timeout, round-trip counter and the HTTP
 * version each server last answered with. Clients are made on first use: one for plain {@code http}, one for
 * {@code https} with the client's default trust, and one per registry that has its own CA certificates (Docker's
 * {@code certs.d/<host>} convention). A run that only talks to a plain-HTTP registry therefore never initialises the
 * JVM's default TLS context (its trust store alone costs ~0.1 s of a ~0.5 s no-op build); the plain client gets a TLS
 * context that trusts nothing, so it cannot be misused for TLS.
 *
 * <p>TLS clients offer HTTP/2 (negotiated by ALPN; servers without it get HTTP/1.1): one connection then carries every
 * concurrent request to a registry instead of one connection per request in flight. Plain HTTP stays HTTP/1.1 (the
 * JDK would offer h2c by an {@code Upgrade} that registries ignore).
 *
 * <p>Every answer is read through a {@link BoundedBody}: bodies of {@link #send} hold at most
 * {@link ReadLimits#manifestBytes()} and the whole request (headers and body; for an upload, the answer after it) lasts
 * at most {@link ReadLimits#requestTimeout()}; a {@link #stream} lasts at most {@link ReadLimits#downloadTimeout()}.
 */
final class Transport {
    private final Supplier<SSLContext> defaultTls;
    private final Lazy tls;
    private final Lazy plain;
    private final Function<String, Optional<SSLContext>> hostTls;
    private final Supplier<HttpClient.Builder> base;
    private final Map<String, Lazy> perHost = new ConcurrentHashMap<>();
    private final Map<String, Optional<SSLContext>> hostContexts = new ConcurrentHashMap<>();
    private final Map<String, HttpClient.Version> versions = new ConcurrentHashMap<>();
    private final Duration requestTimeout;
    private final ReadLimits limits;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param defaultTls the TLS context for {@code https} (e.g. trusting a CA bundle), made on first use
     * @param hostTls    the TLS context of an authority ({@code host[:port]}) that has its own CA certificates, if any
     * @param base       the settings shared by all clients, without TLS context and HTTP version
     */
    Transport(Supplier<SSLContext> defaultTls, Function<String, Optional<SSLContext>> hostTls, Supplier<HttpClient.Builder> base,
              Duration requestTimeout) {
        this(defaultTls, hostTls, base, requestTimeout, ReadLimits.DEFAULTS);
    }

    /** @param limits bounds on answers (size, whole-request time) */
    Transport(Supplier<SSLContext> defaultTls, Function<String, Optional<SSLContext>> hostTls, Supplier<HttpClient.Builder> base,
              Duration requestTimeout, ReadLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits);
        this.defaultTls = new Once<>(defaultTls);
        this.tls = new Lazy(() -> base.get().version(HttpClient.Version.HTTP_2).sslContext(this.defaultTls.get()).build());
        this.hostTls = hostTls;
        this.base = base;
        this.plain = new Lazy(() -> base.get().version(HttpClient.Version.HTTP_1_1).sslContext(trustingNothing()).build());
        this.requestTimeout = requestTimeout;
    }

    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", "image-tree");
    }

    /**
     * One request, its whole answer in memory: at most {@link ReadLimits#manifestBytes()}, within
     * {@link ReadLimits#requestTimeout()} from now (for a request with a body, an upload, from the answer's headers).
     *
     * @throws ReadLimitExceeded when the answer is larger or slower
     */
    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        requests.incrementAndGet();
        URI uri = request.uri();
        HttpResponse<java.io.InputStream> r;
        if (request.bodyPublisher().map(p -> p.contentLength() != 0).orElse(false)) {
            r = client(uri).send(request, BoundedBody.handler(() -> bounds(limits.manifestBytes(), ReadLimits.MANIFEST_BYTES, limits.requestTimeout(), ReadLimits.REQUEST_TIMEOUT)));
        } else {
            BoundedBody.Bounds b = bounds(limits.manifestBytes(), ReadLimits.MANIFEST_BYTES, limits.requestTimeout(), ReadLimits.REQUEST_TIMEOUT);
            r = BoundedBody.send(client(uri), request, b);
        }
        versions.put(authority(uri), r.version());
        byte[] body;
        try (java.io.InputStream in = r.body()) {
            body = in.readAllBytes();
        }
        return new BoundedBody.Bytes(r, body);
    }

    /**
     * As {@link #send} with the body as a stream (the caller closes it; closing early abandons the rest) of at most
     * {@code maxBytes}, and the whole download within {@link ReadLimits#downloadTimeout()} from now.
     */
    HttpResponse<java.io.InputStream> stream(HttpRequest request, long maxBytes, String sizeKey) throws IOException, InterruptedException {
        requests.incrementAndGet();
        URI uri = request.uri();
        HttpResponse<java.io.InputStream> r = BoundedBody.send(client(uri), request,
                bounds(maxBytes, sizeKey, limits.downloadTimeout(), ReadLimits.DOWNLOAD_TIMEOUT));
        versions.put(authority(uri), r.version());
        return r;
    }

    /** The bounds answers are read with. */
    ReadLimits limits() { return limits; }

    private static BoundedBody.Bounds bounds(long maxBytes, String sizeKey, Duration timeout, String timeoutKey) {
        return BoundedBody.Bounds.startingNow(maxBytes, sizeKey, timeout, timeoutKey);
    }

    private HttpClient client(URI uri) {
        if ("http".equalsIgnoreCase(uri.getScheme())) return plain.get();
        String authority = authority(uri);
        Lazy own = perHost.computeIfAbsent(authority, a -> hostContext(a)
                .map(ctx -> new Lazy(() -> base.get().version(HttpClient.Version.HTTP_2).sslContext(ctx).build()))
                .orElse(tls));
        return own.get();
    }

    /** The TLS context requests to {@code authority} use: its own CA certificates, else the default. */
    SSLContext sslContext(String authority) {
        return hostContext(authority).orElseGet(defaultTls);
    }

    private Optional<SSLContext> hostContext(String authority) {
        return hostContexts.computeIfAbsent(authority, hostTls);
    }

    long requestCount() { return requests.get(); }

    /** Counts a request sent outside the HTTP clients (the pipelined {@link ManifestProbe}). */
    void countRequest() { requests.incrementAndGet(); }

    /** The HTTP version {@code authority} ({@code host[:port]} as in a URI) last answered with, if it was asked. */
    Optional<HttpClient.Version> version(String authority) { return Optional.ofNullable(versions.get(authority)); }

    /** {@code host} or {@code host:port} as the URI names it (an explicit default port stays explicit). */
    static String authority(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

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

    /** A value made once, on first use; thread-safe. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> make;
        private volatile T value;

        Once(Supplier<T> make) { this.make = make; }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) value = v = make.get();
                }
            }
            return v;
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
