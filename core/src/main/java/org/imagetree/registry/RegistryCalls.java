package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.InputError;
import org.imagetree.model.ImageReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The request machinery every registry operation shares: one {@link Transport} (HTTP clients, TLS per registry),
 * authentication by the registry's challenge ({@link RegistryAuthenticator}), retries per the {@link RetryPolicy}, and
 * failures turned into {@link RegistryException}s that name the request, the status and the attempts, never a secret.
 *
 * <p>An operation describes one HTTP request as a {@link Call} and runs one attempt of it inside
 * {@link #withRetries}: a 5xx, a 429 (its {@code Retry-After} honoured) or a transport failure (reset, timeout) repeats
 * the attempt; TLS failures, unknown hosts and every other status do not. Thread-safe.
 */
final class RegistryCalls {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryCalls.class);

    private final RegistryClient.Options options;
    private final Transport transport;
    private final CertsDirectory certs;
    private final RegistryAuthenticator auth;
    /** Made on the first JSON answer: a no-op build only sends HEADs, and Jackson's start costs ~375 classes. */
    private final LazyJson json = new LazyJson();
    private final Consumer<String> retryLog;

    RegistryCalls(RegistryClient.Options options, Consumer<String> retryLog) {
        this.options = Objects.requireNonNull(options);
        this.retryLog = Objects.requireNonNull(retryLog);
        // A CA bundle is read now, so a bad one fails here; the JVM's default TLS context only on the first https request.
        KeyStore bundle = options.caBundle() != null ? trustStore(options.caBundle()) : null;
        this.certs = new CertsDirectory(options.certsDirectory());
        // A registry's own CAs come first; then what the client trusts otherwise (the CA bundle, or the JVM's default).
        java.util.function.Supplier<javax.net.ssl.X509ExtendedTrustManager> otherwise = () -> {
            if (bundle == null) return CertsDirectory.defaultTrust();
            try {
                return CertsDirectory.trustManager(bundle);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("invalid CA bundle: " + e.getMessage(), e);
            }
        };
        this.transport = new Transport(() -> {
            if (bundle != null) return sslContext(options.caBundle(), bundle);
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no default TLS context: " + e.getMessage(), e);
            }
        }, authority -> certs.context(authority, otherwise), () -> httpClient(options), options.requestTimeout(), options.readLimits());
        this.auth = new RegistryAuthenticator(options.credentials(), transport, json, options.clock(), this::usesPlainHttp);
    }

    private static HttpClient.Builder httpClient(RegistryClient.Options options) {
        return HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                // Never follow redirects: the JDK would carry our Authorization header to another host.
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    RegistryClient.Options options() { return options; }

    Transport transport() { return transport; }

    RegistryAuthenticator auth() { return auth; }

    LazyJson json() { return json; }

    /** Tells a retry (or anything else worth a line at {@code --info}) where the client's user sees it. */
    void tell(String line) { retryLog.accept(line); }

    // ---------------------------------------------------------------- one request

    /** One HTTP request to make, possibly several times (retries, authentication). */
    static final class Call {
        final String method;
        final URI uri;
        final String registry;
        final List<String> scopes;
        final Map<String, String> headers = new LinkedHashMap<>();
        BodyPublisher body = BodyPublishers.noBody();

        Call(String method, URI uri, String registry, List<String> scopes) {
            this.method = method;
            this.uri = uri;
            this.registry = registry;
            this.scopes = scopes;
        }

        Call header(String name, String value) { headers.put(name, value); return this; }

        Call body(BodyPublisher b) { body = b; return this; }

        /** Method and path, never the query (upload URLs carry opaque state). */
        String describe() { return registry + ": " + method + " " + uri.getRawPath(); }
    }

    /** One attempt of a call; may be run several times. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code attempt} until it returns, retrying what {@link RegistryException#isRetryable()} and transport
     * failures; the last failure names the request and, when it was retried, "gave up after N attempts".
     */
    <T> T withRetries(Call call, Attempt<T> attempt) {
        RetryPolicy policy = options.retryPolicy();
        for (int n = 1; ; n++) {
            Duration retryAfter;
            String failure;
            try {
                return attempt.run();
            } catch (RegistryException e) {
                if (!e.isRetryable()) throw e;
                if (n >= policy.maxAttempts()) {
                    if (n == 1) throw e;
                    // The last answer, and that it was not the first: the reference (method, path) and status are in it.
                    throw new RegistryException(e.registry(), e.status(), e.errorCode().orElse(null),
                            e.getMessage() + " (gave up after " + n + " attempts)", true, e.retryAfter().orElse(null), e);
                }
                retryAfter = e.retryAfter().orElse(null);
                failure = e.getMessage();
            } catch (ReadLimitExceeded | VerifiedBlobStream.BlobMismatch e) {
                // The same answer would go past the limit, or be the wrong bytes, again.
                throw new RegistryException(call.registry, RegistryException.NO_STATUS, e instanceof ReadLimitExceeded ? null : "DIGEST_INVALID",
                        auth.redact(call.describe() + ": " + e.getMessage()), false, null, e);
            } catch (IOException e) {
                if (n >= policy.maxAttempts() || TransportFailure.isTls(e) || TransportFailure.isUnknownHost(e)) {
                    throw new RegistryException(call.registry, RegistryException.NO_STATUS, null, auth.redact(call.describe() + " failed after "
                            + n + " attempt(s): " + TransportFailure.describe(e, call.registry)), true, null, e);
                }
                retryAfter = null;
                failure = auth.redact(call.describe() + ": " + TransportFailure.describe(e, call.registry));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(call, e);
            }
            Duration delay = policy.delayAfter(n, retryAfter);
            LOG.debug("{}: attempt {} failed, retrying: {}", call.describe(), n, failure);
            retryLog.accept(failure + " (attempt " + n + " of " + policy.maxAttempts() + "), retrying in " + delay.toMillis() + " ms");
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(call, e);
            }
        }
    }

    static RegistryException interrupted(Call call, InterruptedException e) {
        return new RegistryException(call.registry, RegistryException.NO_STATUS, null, call.describe() + " interrupted", false, null, e);
    }

    /** One attempt: the request, and once more with credentials if the registry challenges it. */
    HttpResponse<byte[]> execute(Call call) throws IOException, InterruptedException {
        boolean sameHost = sameHost(call);
        String authorization = sameHost ? auth.upfront(call.registry, call.scopes).orElse(null) : null;
        HttpResponse<byte[]> r = send(call, authorization);
        if (r.statusCode() != 401 || !sameHost) return r;
        Optional<AuthChallenge> challenge = AuthChallenge.select(r.headers().allValues("WWW-Authenticate"));
        if (challenge.isEmpty()) return r;
        Optional<String> retry = auth.answer(call.registry, challenge.get(), call.scopes, authorization);
        return retry.isPresent() ? send(call, retry.get()) : r;
    }

    /** Whether the call goes to its registry's own host (credentials are sent only there). */
    boolean sameHost(Call call) {
        URI api = apiUri(call.registry);
        return call.uri.getHost().equalsIgnoreCase(api.getHost()) && call.uri.getPort() == api.getPort();
    }

    HttpResponse<byte[]> send(Call call, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = transport.request(call.uri).method(call.method, call.body);
        call.headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<byte[]> r = transport.send(b.build());
        LOG.debug("{} -> {}", call.describe(), r.statusCode());
        return r;
    }

    /**
     * As {@link #send} with the answer's body as a stream (the caller closes it) of at most {@code maxBytes}, the whole
     * download within {@link org.imagetree.config.ReadLimits#downloadTimeout()}.
     */
    HttpResponse<InputStream> stream(Call call, String authorization, long maxBytes) throws IOException, InterruptedException {
        HttpRequest.Builder b = transport.request(call.uri).method(call.method, call.body);
        call.headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<InputStream> r = transport.stream(b.build(), maxBytes, org.imagetree.config.ReadLimits.LAYER_BYTES);
        LOG.debug("{} -> {}", call.describe(), r.statusCode());
        return r;
    }

    // ---------------------------------------------------------------- failures

    RegistryException failure(Call call, HttpResponse<byte[]> r) {
        return failure(call, r.statusCode(), r.body(), r);
    }

    RegistryException failure(Call call, int status, byte[] body, HttpResponse<?> r) {
        String code = null;
        String detail = null;
        try {
            JsonNode first = json.get().readTree(body).path("errors").path(0);
            if (first.hasNonNull("code")) code = first.get("code").asText();
            if (first.hasNonNull("message")) detail = first.get("message").asText();
        } catch (IOException | RuntimeException e) {
            // not a JSON error body (HEAD responses have none)
        }
        StringBuilder msg = new StringBuilder(call.describe()).append(" answered HTTP ").append(status);
        // What the registry wrote is escaped (no terminal control sequences reach the user) and cut short.
        if (code != null) msg.append(' ').append(org.imagetree.report.SafeText.escape(code.length() > 100 ? code.substring(0, 100) + "…" : code));
        if (detail != null && !detail.isBlank()) msg.append(": ").append(org.imagetree.report.SafeText.escape(detail.length() > 300 ? detail.substring(0, 300) + "…" : detail));
        if (status == 401) {
            msg.append(auth.hasCredentials(call.registry) ? " (the credentials configured for " + call.registry + " were rejected)"
                    : " (authentication required; no credentials configured for " + call.registry + ")");
        } else if (status == 403) {
            msg.append(" (access denied for this repository and action)");
        }
        boolean retryable = status >= 500 || status == 429;
        return new RegistryException(call.registry, status, code, auth.redact(msg.toString()), retryable, retryAfter(r), null);
    }

    /** A failure of {@code call} the registry's answer shows without an error status (a header missing, a digest wrong). */
    RegistryException protocolFailure(Call call, int status, String what, boolean retryable) {
        return new RegistryException(call.registry, status, null, auth.redact(call.describe() + ": " + what), retryable, null, null);
    }

    /** {@code Retry-After} in seconds or as an HTTP date, if present. */
    static Duration retryAfter(HttpResponse<?> r) {
        Optional<String> v = r.headers().firstValue("Retry-After");
        if (v.isEmpty()) return null;
        String s = v.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(s)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    JsonNode parseJson(Call call, byte[] body) {
        try {
            return json.get().readTree(body);
        } catch (IOException e) {
            throw new RegistryException(call.registry, 200, null, call.describe() + ": answer is not JSON");
        }
    }

    // ---------------------------------------------------------------- addresses

    URI uri(String registry, String pathAndQuery) {
        return URI.create(apiUri(registry) + pathAndQuery);
    }

    URI apiUri(String registry) {
        String host = registry.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
        return URI.create((usesPlainHttp(registry) ? "http" : "https") + "://" + host);
    }

    /**
     * Configured insecure registries ({@code host:port} or just {@code host}) use plain HTTP; so do loopback registries,
     * unless they have CA certificates in the certificate directory (as Docker, which then uses TLS).
     */
    boolean usesPlainHttp(String registry) {
        if (options.insecureRegistries().contains(registry)) return true;
        int colon = registry.lastIndexOf(':');
        if (colon > 0 && !registry.endsWith("]") && options.insecureRegistries().contains(registry.substring(0, colon))) return true;
        return ImageReference.isLoopbackRegistry(registry) && !certs.hasCertificates(registry);
    }

    static List<String> pull(String repository) { return List.of("repository:" + repository + ":pull"); }

    static List<String> push(String repository) { return List.of("repository:" + repository + ":pull,push"); }

    static String urlEncode(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /**
     * The API version check Docker clients start with ({@code GET /v2/}, without credentials). True when the registry
     * speaks the API (200, or 401 asking for credentials). Not retried.
     */
    boolean checkApi(String registry) {
        Call call = new Call("GET", uri(registry, "/v2/"), registry, List.of());
        try {
            int status = send(call, null).statusCode();
            return status == 200 || status == 401;
        } catch (IOException e) {
            LOG.debug("{}: {}", call.describe(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- TLS set-up

    private static SSLContext sslContext(Path pem, KeyStore trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[]{CertsDirectory.trustManager(trust)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new InputError(pem, 0, "invalid CA bundle: " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) throw new InputError(pem, 0, "CA bundle holds no PEM certificate");
            return trust;
        } catch (IOException e) {
            throw new InputError(pem, 0, "cannot read CA bundle: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new InputError(pem, 0, "invalid CA bundle: " + e.getMessage(), e);
        }
    }

    /** One {@link ObjectMapper} per client, made when first needed. */
    static final class LazyJson {
        private volatile ObjectMapper mapper;

        ObjectMapper get() {
            ObjectMapper m = mapper;
            if (m == null) {
                synchronized (this) {
                    m = mapper;
                    if (m == null) mapper = m = new ObjectMapper();
                }
            }
            return m;
        }
    }
}
