package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.config.ReadLimits;
import org.imagetree.model.ImageReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.FileNotFoundException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A client for the registry HTTP API (Docker Registry V2 / OCI distribution): existence checks, manifests, tag
 * listing, blob and manifest push, manifest delete.
 *
 * <p>One {@link HttpClient} per instance (connections are reused); thread-safe; no static mutable state, so a Jenkins
 * controller can run many builds with one client each or share one. Plain HTTP is used for the configured insecure
 * registries and for loopback ones, HTTPS otherwise, and always for a registry with CA certificates of its own in the
 * certificate directory (Docker's {@code certs.d/<host:port>/*.crt}). HTTPS offers HTTP/2, so concurrent requests to
 * one registry share one connection ({@link #multiplexes(String)}). Authentication follows the registry's {@code WWW-Authenticate} challenge
 * (Bearer token flow or Basic). Idempotent calls — all of them here: reads, and writes of content-addressed blobs and
 * manifests — are retried on 5xx, 429 and transport errors per the {@link RetryPolicy}.
 *
 * <p>Secrets: no password, token or {@code Authorization} value reaches an exception, {@code toString} or log.
 */
public final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.MANIFEST_TYPES);
    private static final int MAX_PAGES = 10_000;
    /** Where the Docker daemon reads per-registry CA certificates; the client reads the same by default. */
    public static final String DOCKER_CERTS_DIRECTORY = "/etc/docker/certs.d";

    private final Options options;
    private final Transport transport;
    private final CertsDirectory certs;
    private final RegistryAuthenticator auth;
    /** Made on the first JSON answer: a no-op build only sends HEADs, and Jackson's start costs ~375 classes. */
    private final LazyJson json = new LazyJson();
    private final java.util.function.Consumer<String> retryLog;

    /**
     * Everything a client is configured with. Build with {@link RegistryClient#builder()}.
     *
     * @param credentials        per registry host
     * @param insecureRegistries registry hosts ({@code host} or {@code host:port}) reached over plain HTTP
     * @param caBundle           PEM file whose certificates replace the default TLS trust, or null for the JVM default
     * @param certsDirectory     Docker-style directory of per-registry CA certificates ({@code <host:port>/*.crt}), or null
     * @param tagPageSize        {@code n} for tag listing, 0 to let the registry choose
     * @param readLimits         bounds on answers: size and whole-request time (see {@link Transport}), layer downloads
     */
    public record Options(Map<String, RegistryCredentials> credentials, Set<String> insecureRegistries, Path caBundle,
                          Path certsDirectory, RetryPolicy retryPolicy, Duration connectTimeout, Duration requestTimeout, int tagPageSize,
                          Clock clock, ReadLimits readLimits) {
        public Options {
            credentials = Map.copyOf(credentials);
            insecureRegistries = Set.copyOf(insecureRegistries);
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(readLimits, "readLimits");
            if (tagPageSize < 0) throw new IllegalArgumentException("tagPageSize must not be negative");
        }

        @Override
        public String toString() {
            return "Options[credentials for " + credentials.keySet() + ", insecure=" + insecureRegistries + ", caBundle=" + caBundle + ", certsDirectory=" + certsDirectory
                    + ", " + retryPolicy + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                    + ", tagPageSize=" + tagPageSize + ", " + readLimits + "]";
        }
    }

    public static Builder builder() { return new Builder(); }

    /**
     * A builder preset from the engine configuration: credentials for its registry, insecure registries, CA bundle and
     * the certificate directory ({@code certs_dir}, by default Docker's {@value #DOCKER_CERTS_DIRECTORY}).
     */
    public static Builder builder(EngineConfig config) {
        Builder b = builder().insecureRegistries(config.insecureRegistries()).readLimits(config.readLimits());
        if (config.hasCredentials() && !config.registry().isEmpty()) {
            b.credentials(new RegistryCredentials(config.registry(), config.username().orElseThrow(), config.password().orElseThrow()));
        }
        config.caBundle().map(Path::of).ifPresent(b::caBundle);
        b.certsDirectory(Path.of(config.certsDirectory().orElse(DOCKER_CERTS_DIRECTORY)));
        return b;
    }

    public static final class Builder {
        private final Map<String, RegistryCredentials> credentials = new LinkedHashMap<>();
        private final Set<String> insecure = new HashSet<>();
        private Path caBundle;
        private Path certsDirectory;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(5);
        private int tagPageSize;
        private Clock clock = Clock.systemUTC();
        private ReadLimits readLimits = ReadLimits.DEFAULTS;
        private java.util.function.Consumer<String> retryLog = line -> { };

        private Builder() {}

        /**
         * Where each retry is told (what failed, attempt n of m, the delay), e.g. the console at {@code --info}; by
         * default nowhere. Called from any thread.
         */
        public Builder retryLog(java.util.function.Consumer<String> log) { retryLog = Objects.requireNonNull(log); return this; }

        public Builder credentials(RegistryCredentials c) { credentials.put(c.registry(), c); return this; }
        public Builder insecureRegistries(java.util.Collection<String> hosts) { insecure.addAll(hosts); return this; }
        public Builder caBundle(Path pem) { caBundle = pem; return this; }
        /** Docker-style {@code <host:port>/*.crt} CA certificates per registry; null for none (the default). */
        public Builder certsDirectory(Path dir) { certsDirectory = dir; return this; }
        public Builder retryPolicy(RetryPolicy p) { retryPolicy = Objects.requireNonNull(p); return this; }
        public Builder connectTimeout(Duration d) { connectTimeout = Objects.requireNonNull(d); return this; }
        /** Timeout for one request until its response headers arrive (bodies here are small). */
        public Builder requestTimeout(Duration d) { requestTimeout = Objects.requireNonNull(d); return this; }
        public Builder tagPageSize(int n) { tagPageSize = n; return this; }
        /** Bounds on what registries send: answer sizes, whole-request time, layer downloads ({@link ReadLimits}). */
        public Builder readLimits(ReadLimits l) { readLimits = Objects.requireNonNull(l); return this; }
        Builder clock(Clock c) { clock = Objects.requireNonNull(c); return this; }

        public Options options() {
            return new Options(credentials, insecure, caBundle, certsDirectory, retryPolicy, connectTimeout, requestTimeout, tagPageSize, clock, readLimits);
        }

        public RegistryClient build() { return new RegistryClient(options(), retryLog); }
    }

    public RegistryClient(Options options) {
        this(options, line -> { });
    }

    /** @param retryLog where each retry is told (see {@link Builder#retryLog}) */
    public RegistryClient(Options options, java.util.function.Consumer<String> retryLog) {
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

    private static HttpClient.Builder httpClient(Options options) {
        return HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                // Never follow redirects: the JDK would carry our Authorization header to another host.
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    public Options options() { return options; }

    /** HTTP round trips made so far (retries, auth challenges and token requests included). */
    public long requestCount() { return transport.requestCount(); }

    /** The HTTP version {@code registry} last answered this client with; empty before it was asked anything. */
    public Optional<HttpClient.Version> protocol(String registry) {
        return transport.version(Transport.authority(apiUri(registry)));
    }

    /**
     * Whether concurrent requests to {@code registry} share one connection: it answered over HTTP/2. Callers may then
     * have many more requests in flight than the handful of HTTP/1.1 connections it would be polite to open.
     */
    public boolean multiplexes(String registry) {
        return protocol(registry).filter(v -> v == HttpClient.Version.HTTP_2).isPresent();
    }

    // ---------------------------------------------------------------- reads

    /** {@code HEAD} of a manifest: its descriptor when it exists, empty on any 404. */
    public Optional<ManifestDescriptor> headManifest(ImageReference ref) {
        Call call = new Call("HEAD", manifestUri(ref), ref.registry(), pull(ref.repository()))
                .header("Accept", ACCEPT_MANIFESTS);
        Optional<ManifestDescriptor> found = withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) throw failure(call, r);
            Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
            if (digest.isEmpty()) return null; // older registries: fall back to GET below
            checkExpectedDigest(call, ref, digest.get());
            String type = MediaTypes.strip(r.headers().firstValue("Content-Type").orElse(""));
            return Optional.of(new ManifestDescriptor(digest.get(), type, r.headers().firstValueAsLong("Content-Length").orElse(-1)));
        });
        return found != null ? found : getManifest(ref).map(Manifest::descriptor);
    }

    /**
     * {@code HEAD} of many manifests of {@code registry} in one pass ({@link ManifestProbe}: a few HTTP/1.1
     * connections of pipelined requests): for each reference the registry answered for certain, its descriptor (200)
     * or empty (404), as {@link #headManifest} would return. References it did not answer for certain (any other
     * status, a closed or stalled connection) are absent: ask them with {@link #headManifest}, which authenticates,
     * retries and reports. Nothing is asked, and the map is empty, when the probe would not send what
     * {@link #headManifest} sends: when this client authenticates to {@code registry} up front (it challenged an
     * earlier request), or when the JVM's proxy selector routes it through a proxy. References of other registries
     * and by digest are left out.
     */
    public Map<ImageReference, Optional<ManifestDescriptor>> probeManifests(String registry, java.util.Collection<ImageReference> refs) {
        Map<ImageReference, Optional<ManifestDescriptor>> out = new LinkedHashMap<>();
        if (!probes(registry)) return out;
        List<ImageReference> asked = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (ImageReference ref : new java.util.LinkedHashSet<>(refs)) {
            if (!ref.registry().equals(registry) || ref.digest() != null) continue;
            String path = manifestUri(ref).getRawPath();
            if (!ManifestProbe.probeable(path)) continue;
            asked.add(ref);
            paths.add(path);
        }
        if (paths.isEmpty()) return out;
        ManifestProbe probe = probe(registry).orElse(null);
        if (probe == null) return out;
        List<ManifestProbe.Answer> answers;
        try {
            answers = probe.head(paths, transport::countRequest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        for (int i = 0; i < asked.size(); i++) {
            ManifestProbe.Answer a = answers.get(i);
            if (a != null) out.put(asked.get(i), a.manifest());
        }
        LOG.debug("{}: {} manifests asked in one pass, {} answered", registry, asked.size(), out.size());
        return out;
    }

    /**
     * Prepares {@link #probeManifests} of {@code registry} ahead (e.g. while a tree is read): the TLS context and one
     * connection's handshake, whose session the probe's connections then resume. Does nothing for plain HTTP (there
     * is nothing to prepare) and when the probe does not apply; never fails (what goes wrong is met again by the probe).
     */
    public void warmUpProbe(String registry) {
        if (probes(registry) && !usesPlainHttp(registry)) probe(registry).ifPresent(p -> p.warmUp(transport::countRequest));
    }

    private Optional<ManifestProbe> probe(String registry) {
        URI api = apiUri(registry);
        boolean plain = "http".equals(api.getScheme());
        int port = api.getPort() >= 0 ? api.getPort() : plain ? 80 : 443;
        Duration stall = options.requestTimeout().compareTo(options.connectTimeout()) < 0 ? options.requestTimeout() : options.connectTimeout();
        try {
            return Optional.of(new ManifestProbe(api.getHost(), port, Transport.authority(api),
                    plain ? null : transport.sslContext(Transport.authority(api)), ACCEPT_MANIFESTS, "image-tree",
                    options.connectTimeout(), stall));
        } catch (RuntimeException e) { // no TLS context (a broken trust store): the requests one by one say why
            LOG.debug("{}: no pipelined manifest checks: {}", registry, e.toString());
            return Optional.empty();
        }
    }

    /** Whether {@link #probeManifests} would ask {@code registry} anything now (see there). */
    public boolean probes(String registry) {
        return !auth.authenticatesUpfront(registry) && direct(apiUri(registry));
    }

    /** Whether the JVM's proxy selector (which the HTTP clients use) connects to {@code uri} directly. */
    private static boolean direct(URI uri) {
        java.net.ProxySelector selector = java.net.ProxySelector.getDefault();
        if (selector == null) return true;
        try {
            for (java.net.Proxy p : selector.select(uri)) if (p.type() != java.net.Proxy.Type.DIRECT) return false;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code GET} of a manifest: the exact bytes, media type and (verified) digest; empty on any 404. */
    public Optional<Manifest> getManifest(ImageReference ref) {
        Call call = new Call("GET", manifestUri(ref), ref.registry(), pull(ref.repository()))
                .header("Accept", ACCEPT_MANIFESTS);
        return withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) throw failure(call, r);
            byte[] body = r.body();
            String digest = ref.digest() != null ? ref.digest() : r.headers().firstValue("Docker-Content-Digest").orElse(Digests.sha256(body));
            String computed = VerifiedBlobStream.digestOf(body, digest, call.describe());
            if (!digest.equals(computed)) {
                throw new RegistryException(call.registry, r.statusCode(), "DIGEST_INVALID", call.describe()
                        + ": manifest bytes have digest " + computed + ", expected " + digest);
            }
            checkExpectedDigest(call, ref, digest);
            String type = MediaTypes.strip(r.headers().firstValue("Content-Type").orElse(""));
            return Optional.of(new Manifest(body, type, digest));
        });
    }

    /** Every tag of a repository, following {@code Link: <…>; rel="next"} pages; empty when the repository is unknown. */
    public List<String> listTags(String registry, String repository) {
        URI next = uri(registry, "/v2/" + repository + "/tags/list" + (options.tagPageSize() > 0 ? "?n=" + options.tagPageSize() : ""));
        List<String> tags = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        while (next != null) {
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                throw new RegistryException(registry, 200, null, registry + ": tag list pagination of " + repository + " does not end");
            }
            Call call = new Call("GET", next, registry, pull(repository)).header("Accept", "application/json");
            Page page = withRetries(call, () -> {
                HttpResponse<byte[]> r = execute(call);
                if (r.statusCode() == 404) return new Page(List.of(), null);
                if (r.statusCode() != 200) throw failure(call, r);
                List<String> pageTags = new ArrayList<>();
                JsonNode body = parseJson(call, r.body());
                body.path("tags").forEach(t -> pageTags.add(t.asText()));
                return new Page(pageTags, LinkHeader.next(call.uri, r.headers().allValues("Link")).orElse(null));
            });
            tags.addAll(page.tags());
            next = page.next();
        }
        return List.copyOf(tags);
    }

    private record Page(List<String> tags, URI next) {}

    /**
     * {@code GET} of a blob (e.g. an image config), verified against its digest; empty on 404. A redirect to blob
     * storage is followed once, without our credentials (they must not reach another host).
     */
    public Optional<byte[]> getBlob(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("GET", uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, pull(repository));
        return withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() == 404) return Optional.empty();
            byte[] body;
            if (r.statusCode() == 307 || r.statusCode() == 302 || r.statusCode() == 303 || r.statusCode() == 301) {
                URI target = call.uri.resolve(r.headers().firstValue("Location").orElseThrow(() -> failure(call, r)));
                HttpResponse<byte[]> moved = transport.send(transport.request(target).GET().build());
                if (moved.statusCode() != 200) throw failure(call, moved);
                body = moved.body();
            } else if (r.statusCode() == 200) {
                body = r.body();
            } else {
                throw failure(call, r);
            }
            String actual = VerifiedBlobStream.digestOf(body, digest, call.describe());
            if (!digest.equals(actual)) {
                throw new RegistryException(registry, 200, "DIGEST_INVALID", call.describe() + ": blob bytes have digest "
                        + actual + ", expected " + digest);
            }
            return Optional.of(body);
        });
    }

    /** Reads a blob's bytes as they arrive; may stop early (see {@link #readBlob}). */
    @FunctionalInterface
    public interface BlobReader<T> {
        T read(InputStream in) throws IOException;
    }

    /**
     * {@code GET} of a blob of unknown size, streamed to {@code reader} and verified: see
     * {@link #readBlob(String, String, String, long, BlobReader)}; at most {@link ReadLimits#layerBytes()}.
     */
    public <T> Optional<T> readBlob(String registry, String repository, String digest, BlobReader<T> reader) {
        return readBlob(registry, repository, digest, -1, reader);
    }

    /**
     * {@code GET} of a blob, streamed to {@code reader}, which may stop reading at any point; the rest is then read
     * (not kept) and the whole blob checked against {@code digest} and {@code size} ({@link VerifiedBlobStream}): the
     * reader's answer is returned only when the bytes were the blob asked for. A mismatch is a {@link RegistryException}
     * naming the blob and the registry (not retried). At most {@code size} bytes are read, and never more than
     * {@link ReadLimits#layerBytes()}; the whole download lasts at most {@link ReadLimits#downloadTimeout()}. Empty on
     * 404. A redirect to blob storage is followed once, without our credentials. A transport failure while reading is
     * retried from the start.
     *
     * @param size the size the blob's descriptor declares, or -1
     */
    public <T> Optional<T> readBlob(String registry, String repository, String digest, long size, BlobReader<T> reader) {
        Digests.requireDigest(digest);
        Call call = new Call("GET", uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, pull(repository));
        long max = transport.limits().layerBytes();
        return withRetries(call, () -> {
            String authorization = auth.upfront(call.registry, call.scopes).orElse(null);
            HttpResponse<InputStream> r = stream(call, authorization, max);
            if (r.statusCode() == 401) {
                r.body().close();
                Optional<AuthChallenge> challenge = AuthChallenge.select(r.headers().allValues("WWW-Authenticate"));
                Optional<String> retry = challenge.isEmpty() ? Optional.empty()
                        : auth.answer(call.registry, challenge.get(), call.scopes, authorization);
                if (retry.isEmpty()) throw failure(call, r.statusCode(), new byte[0], r);
                r = stream(call, retry.get(), max);
            }
            if (r.statusCode() == 307 || r.statusCode() == 302 || r.statusCode() == 303 || r.statusCode() == 301) {
                r.body().close();
                URI target = call.uri.resolve(r.headers().firstValue("Location").orElseThrow(
                        () -> new RegistryException(registry, 0, null, call.describe() + ": redirect without a Location")));
                r = transport.stream(transport.request(target).GET().build(), max, ReadLimits.LAYER_BYTES);
            }
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) return Optional.empty();
                if (r.statusCode() != 200) throw failure(call, r.statusCode(), in.readNBytes(4096), r);
                VerifiedBlobStream verified = new VerifiedBlobStream(in, digest, registry + ": blob " + digest + " of " + repository,
                        size, max, ReadLimits.LAYER_BYTES);
                T value;
                try {
                    value = reader.read(verified);
                } catch (IOException | RuntimeException e) {
                    // Bytes that are not the blob explain a reader's failure better than the failure itself does.
                    if (!(e instanceof ReadLimitExceeded) && !(e instanceof VerifiedBlobStream.BlobMismatch)) verified.finish();
                    throw e;
                }
                verified.finish();
                return Optional.of(value);
            }
        });
    }

    private HttpResponse<InputStream> stream(Call call, String authorization, long maxBytes) throws IOException, InterruptedException {
        HttpRequest.Builder b = transport.request(call.uri).method(call.method, call.body);
        call.headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<InputStream> r = transport.stream(b.build(), maxBytes, ReadLimits.LAYER_BYTES);
        LOG.debug("{} -> {}", call.describe(), r.statusCode());
        return r;
    }

    /**
     * Every repository of a registry ({@code GET /v2/_catalog}, following {@code Link} pages), or empty when the
     * registry does not offer its catalog to us (401, 403, 404: many hosted registries do not). One request per page
     * can replace one existence check per image when a tree is large and most of it is new.
     */
    public Optional<Set<String>> catalog(String registry) {
        URI next = uri(registry, "/v2/_catalog?n=" + (options.tagPageSize() > 0 ? options.tagPageSize() : 1000));
        Set<String> repositories = new HashSet<>();
        Set<URI> seen = new HashSet<>();
        while (next != null) {
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                throw new RegistryException(registry, 200, null, registry + ": catalog pagination does not end");
            }
            Call call = new Call("GET", next, registry, List.of("registry:catalog:*")).header("Accept", "application/json");
            Page page = withRetries(call, () -> {
                HttpResponse<byte[]> r = execute(call);
                if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 404) return null;
                if (r.statusCode() != 200) throw failure(call, r);
                List<String> names = new ArrayList<>();
                parseJson(call, r.body()).path("repositories").forEach(t -> names.add(t.asText()));
                return new Page(names, LinkHeader.next(call.uri, r.headers().allValues("Link")).orElse(null));
            });
            if (page == null) return Optional.empty();
            repositories.addAll(page.tags());
            next = page.next();
        }
        return Optional.of(Set.copyOf(repositories));
    }

    /**
     * The API version check Docker clients start with ({@code GET /v2/}, without credentials): opens the connection
     * to {@code registry} (over TLS negotiating HTTP/2, which {@link #protocol} then reports) so that requests made
     * after it find the connection ready. True when the registry speaks the API (200, or 401 asking for credentials).
     * Not retried: a caller warming the connection up loses nothing when it fails.
     */
    public boolean checkApi(String registry) {
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

    // ---------------------------------------------------------------- writes

    public boolean blobExists(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("HEAD", uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, pull(repository));
        return withRetries(call, () -> blobExists(call));
    }

    public void pushBlob(String registry, String repository, String digest, byte[] content) {
        String actual = Digests.sha256(content);
        if (Digests.isSha256(digest) && !digest.equals(actual)) {
            throw new IllegalArgumentException("blob content has digest " + actual + ", not " + digest);
        }
        pushBlob(registry, repository, digest, BodyPublishers.ofByteArray(content));
    }

    /** Uploads a blob unless the repository already has it (monolithic upload: {@code POST} then {@code PUT ?digest=}). */
    public void pushBlob(String registry, String repository, String digest, Path content) {
        try {
            pushBlob(registry, repository, digest, BodyPublishers.ofFile(content));
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("blob file not found: " + content, e);
        }
    }

    private void pushBlob(String registry, String repository, String digest, BodyPublisher content) {
        Digests.requireDigest(digest);
        Call head = new Call("HEAD", uri(registry, "/v2/" + repository + "/blobs/" + digest), registry, push(repository));
        Call start = new Call("POST", uri(registry, "/v2/" + repository + "/blobs/uploads/"), registry, push(repository));
        // The whole sequence is one retry unit: an upload session does not survive a failed PUT, and the HEAD makes
        // a retry after a lost 201 a no-op.
        withRetries(start, () -> {
            if (blobExists(head)) return null;
            HttpResponse<byte[]> started = execute(start);
            if (started.statusCode() != 202) throw failure(start, started);
            URI location = uploadLocation(start, started);
            URI target = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + urlEncode(digest));
            Call put = new Call("PUT", target, registry, push(repository))
                    .header("Content-Type", "application/octet-stream").body(content);
            HttpResponse<byte[]> done = execute(put);
            if (done.statusCode() != 201) throw failure(put, done);
            Optional<String> answered = done.headers().firstValue("Docker-Content-Digest");
            if (answered.isPresent() && !answered.get().equals(digest)) {
                throw new RegistryException(registry, 201, "DIGEST_INVALID", put.describe() + ": registry stored digest " + answered.get());
            }
            return null;
        });
    }

    /**
     * Cross-repository mount: makes {@code digest} from {@code fromRepository} available in {@code repository} without
     * uploading. False when the registry did not mount (the blob must then be pushed).
     */
    public boolean mountBlob(String registry, String repository, String digest, String fromRepository) {
        Digests.requireDigest(digest);
        List<String> scopes = List.of("repository:" + repository + ":pull,push", "repository:" + fromRepository + ":pull");
        Call call = new Call("POST", uri(registry, "/v2/" + repository + "/blobs/uploads/?mount=" + urlEncode(digest)
                + "&from=" + urlEncode(fromRepository)), registry, scopes);
        return withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() == 201) return true;
            if (r.statusCode() != 202) throw failure(call, r);
            // The registry opened an ordinary upload instead; cancel it (best effort).
            try {
                execute(new Call("DELETE", uploadLocation(call, r), registry, push(repository)));
            } catch (IOException e) {
                LOG.debug("{}: cancelling an unused upload failed: {}", registry, e.toString());
            }
            return false;
        });
    }

    /**
     * {@code PUT} of a manifest under the reference's tag (or digest when it has no tag).
     *
     * @return the digest the registry answered, checked to be the sha256 of {@code body}
     */
    public String putManifest(ImageReference ref, String mediaType, byte[] body) {
        String computed = Digests.sha256(body);
        if (ref.digest() != null && !ref.digest().equals(computed)) {
            throw new IllegalArgumentException("manifest has digest " + computed + ", but the reference says " + ref.digest());
        }
        String reference = ref.tag() != null ? ref.tag() : ref.digest();
        Call call = new Call("PUT", uri(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + reference), ref.registry(),
                push(ref.repository())).header("Content-Type", mediaType).body(BodyPublishers.ofByteArray(body));
        return withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() != 201 && r.statusCode() != 200) throw failure(call, r);
            String answered = r.headers().firstValue("Docker-Content-Digest").orElse(computed);
            if (!answered.equals(computed)) {
                throw new RegistryException(call.registry, r.statusCode(), "DIGEST_INVALID", call.describe()
                        + ": registry answered digest " + answered + ", but the manifest bytes have " + computed);
            }
            return answered;
        });
    }

    /** {@code DELETE} of a manifest by digest (registries need {@code delete} enabled; tags pointing at it go too). */
    public void deleteManifest(String registry, String repository, String digest) {
        Digests.requireDigest(digest);
        Call call = new Call("DELETE", uri(registry, "/v2/" + repository + "/manifests/" + digest), registry,
                List.of("repository:" + repository + ":delete"));
        withRetries(call, () -> {
            HttpResponse<byte[]> r = execute(call);
            if (r.statusCode() != 202 && r.statusCode() != 200) throw failure(call, r);
            return null;
        });
    }

    // ---------------------------------------------------------------- plumbing

    /** One HTTP request to make, possibly several times (retries, authentication). */
    private static final class Call {
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

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws IOException, InterruptedException;
    }

    private <T> T withRetries(Call call, Attempt<T> attempt) {
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
                throw new RegistryException(call.registry, RegistryException.NO_STATUS, null, call.describe() + " interrupted", false, null, e);
            }
            Duration delay = policy.delayAfter(n, retryAfter);
            LOG.debug("{}: attempt {} failed, retrying: {}", call.describe(), n, failure);
            retryLog.accept(failure + " (attempt " + n + " of " + policy.maxAttempts() + "), retrying in " + delay.toMillis() + " ms");
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(call.registry, RegistryException.NO_STATUS, null, call.describe() + " interrupted", false, null, e);
            }
        }
    }

    /** One attempt: the request, and once more with credentials if the registry challenges it. */
    private HttpResponse<byte[]> execute(Call call) throws IOException, InterruptedException {
        boolean sameHost = call.uri.getHost().equalsIgnoreCase(apiUri(call.registry).getHost())
                && call.uri.getPort() == apiUri(call.registry).getPort();
        String authorization = sameHost ? auth.upfront(call.registry, call.scopes).orElse(null) : null;
        HttpResponse<byte[]> r = send(call, authorization);
        if (r.statusCode() != 401 || !sameHost) return r;
        Optional<AuthChallenge> challenge = AuthChallenge.select(r.headers().allValues("WWW-Authenticate"));
        if (challenge.isEmpty()) return r;
        Optional<String> retry = auth.answer(call.registry, challenge.get(), call.scopes, authorization);
        return retry.isPresent() ? send(call, retry.get()) : r;
    }

    private HttpResponse<byte[]> send(Call call, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = transport.request(call.uri).method(call.method, call.body);
        call.headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<byte[]> r = transport.send(b.build());
        LOG.debug("{} -> {}", call.describe(), r.statusCode());
        return r;
    }

    private boolean blobExists(Call head) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = execute(head);
        if (r.statusCode() == 200) return true;
        if (r.statusCode() == 404) return false;
        throw failure(head, r);
    }

    private RegistryException failure(Call call, HttpResponse<byte[]> r) {
        return failure(call, r.statusCode(), r.body(), r);
    }

    private RegistryException failure(Call call, int status, byte[] body, HttpResponse<?> r) {
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

    private void checkExpectedDigest(Call call, ImageReference ref, String digest) {
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new RegistryException(call.registry, 200, "DIGEST_INVALID", call.describe() + ": registry answered digest " + digest);
        }
    }

    private JsonNode parseJson(Call call, byte[] body) {
        try {
            return json.get().readTree(body);
        } catch (IOException e) {
            throw new RegistryException(call.registry, 200, null, call.describe() + ": answer is not JSON");
        }
    }

    private URI uploadLocation(Call call, HttpResponse<byte[]> r) {
        String location = r.headers().firstValue("Location").orElseThrow(() ->
                new RegistryException(call.registry, r.statusCode(), null, call.describe() + ": upload started without a Location"));
        return call.uri.resolve(location);
    }

    private URI manifestUri(ImageReference ref) {
        return uri(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + ref.reference());
    }

    private URI uri(String registry, String pathAndQuery) {
        return URI.create(apiUri(registry) + pathAndQuery);
    }

    private URI apiUri(String registry) {
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

    private static List<String> pull(String repository) { return List.of("repository:" + repository + ":pull"); }

    private static List<String> push(String repository) { return List.of("repository:" + repository + ":pull,push"); }

    private static String urlEncode(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

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

    @Override
    public String toString() { return "RegistryClient" + options; }

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
