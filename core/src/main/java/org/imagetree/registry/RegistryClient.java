package org.imagetree.registry;

import org.imagetree.config.EngineConfig;
import org.imagetree.config.ReadLimits;
import org.imagetree.model.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * <p>The work is split by job: {@link RegistryCalls} (requests, authentication, retries), {@link ManifestOperations},
 * {@link BlobReads} and {@link BlobUploads}; this class is their one public face.
 *
 * <p>Secrets: no password, token or {@code Authorization} value reaches an exception, {@code toString} or log.
 */
public final class RegistryClient {
    /** Where the Docker daemon reads per-registry CA certificates; the client reads the same by default. */
    public static final String DOCKER_CERTS_DIRECTORY = "/etc/docker/certs.d";
    /** Default size of one upload request's body (see {@link Builder#uploadChunkSize}). */
    public static final long DEFAULT_UPLOAD_CHUNK = 16L << 20;
    /** Default number of blob uploads in flight per image push (see {@link Builder#parallelUploads}). */
    public static final int DEFAULT_PARALLEL_UPLOADS = 4;

    private final RegistryCalls calls;
    private final ManifestOperations manifests;
    private final BlobReads blobReads;
    private final BlobUploads blobUploads;

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
                          long uploadChunkSize, int parallelUploads, Clock clock, ReadLimits readLimits) {
        public Options {
            credentials = Map.copyOf(credentials);
            insecureRegistries = Set.copyOf(insecureRegistries);
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(readLimits, "readLimits");
            if (tagPageSize < 0) throw new IllegalArgumentException("tagPageSize must not be negative");
            if (uploadChunkSize < 1) throw new IllegalArgumentException("uploadChunkSize must be positive");
            if (parallelUploads < 1) throw new IllegalArgumentException("parallelUploads must be positive");
        }

        @Override
        public String toString() {
            return "Options[credentials for " + credentials.keySet() + ", insecure=" + insecureRegistries + ", caBundle=" + caBundle + ", certsDirectory=" + certsDirectory
                    + ", " + retryPolicy + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                    + ", tagPageSize=" + tagPageSize + ", uploadChunkSize=" + uploadChunkSize + ", parallelUploads=" + parallelUploads
                    + ", " + readLimits + "]";
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
        private long uploadChunkSize = DEFAULT_UPLOAD_CHUNK;
        private int parallelUploads = DEFAULT_PARALLEL_UPLOADS;
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
        /**
         * Blobs up to this size go up in one request; larger ones in {@code PATCH} chunks of this size, each resumable
         * (default {@value RegistryClient#DEFAULT_UPLOAD_CHUNK} bytes).
         */
        public Builder uploadChunkSize(long bytes) { uploadChunkSize = bytes; return this; }
        /** Blob uploads of one image push in flight at once (default {@value RegistryClient#DEFAULT_PARALLEL_UPLOADS}). */
        public Builder parallelUploads(int n) { parallelUploads = n; return this; }
        /** Bounds on what registries send: answer sizes, whole-request time, layer downloads ({@link ReadLimits}). */
        public Builder readLimits(ReadLimits l) { readLimits = Objects.requireNonNull(l); return this; }
        Builder clock(Clock c) { clock = Objects.requireNonNull(c); return this; }

        public Options options() {
            return new Options(credentials, insecure, caBundle, certsDirectory, retryPolicy, connectTimeout, requestTimeout, tagPageSize,
                    uploadChunkSize, parallelUploads, clock, readLimits);
        }

        public RegistryClient build() { return new RegistryClient(options(), retryLog); }
    }

    public RegistryClient(Options options) {
        this(options, line -> { });
    }

    /** @param retryLog where each retry is told (see {@link Builder#retryLog}) */
    public RegistryClient(Options options, java.util.function.Consumer<String> retryLog) {
        this.calls = new RegistryCalls(options, retryLog);
        this.manifests = new ManifestOperations(calls);
        this.blobReads = new BlobReads(calls);
        this.blobUploads = new BlobUploads(calls);
    }

    public Options options() { return calls.options(); }

    /** Blob bytes handed to the network by uploads so far, bytes sent again after a failure included. */
    public long bytesUploaded() { return blobUploads.bytesSent(); }

    /** HTTP round trips made so far (retries, auth challenges and token requests included). */
    public long requestCount() { return calls.transport().requestCount(); }

    /** The HTTP version {@code registry} last answered this client with; empty before it was asked anything. */
    public Optional<HttpClient.Version> protocol(String registry) {
        return calls.transport().version(Transport.authority(calls.apiUri(registry)));
    }

    /**
     * Whether concurrent requests to {@code registry} share one connection: it answered over HTTP/2. Callers may then
     * have many more requests in flight than the handful of HTTP/1.1 connections it would be polite to open.
     */
    public boolean multiplexes(String registry) {
        return protocol(registry).filter(v -> v == HttpClient.Version.HTTP_2).isPresent();
    }

    /** Whether {@code registry} is reached over plain HTTP (see the class comment). */
    boolean usesPlainHttp(String registry) { return calls.usesPlainHttp(registry); }

    // ---------------------------------------------------------------- manifests and names ({@link ManifestOperations})

    /** {@code HEAD} of a manifest: its descriptor when it exists, empty on any 404. */
    public Optional<ManifestDescriptor> headManifest(ImageReference ref) { return manifests.headManifest(ref); }

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
        return manifests.probeManifests(registry, refs);
    }

    /**
     * Prepares {@link #probeManifests} of {@code registry} ahead (e.g. while a tree is read): the TLS context and one
     * connection's handshake, whose session the probe's connections then resume. Does nothing for plain HTTP (there
     * is nothing to prepare) and when the probe does not apply; never fails (what goes wrong is met again by the probe).
     */
    public void warmUpProbe(String registry) { manifests.warmUpProbe(registry); }

    /** Whether {@link #probeManifests} would ask {@code registry} anything now (see there). */
    public boolean probes(String registry) { return manifests.probes(registry); }

    /** {@code GET} of a manifest: the exact bytes, media type and (verified) digest; empty on any 404. */
    public Optional<Manifest> getManifest(ImageReference ref) { return manifests.getManifest(ref); }

    /** Every tag of a repository, following {@code Link: <…>; rel="next"} pages; empty when the repository is unknown. */
    public List<String> listTags(String registry, String repository) { return manifests.listTags(registry, repository); }

    /**
     * Every repository of a registry ({@code GET /v2/_catalog}, following {@code Link} pages), or empty when the
     * registry does not offer its catalog to us (401, 403, 404: many hosted registries do not). One request per page
     * can replace one existence check per image when a tree is large and most of it is new.
     */
    public Optional<Set<String>> catalog(String registry) { return manifests.catalog(registry); }

    /**
     * {@code PUT} of a manifest under the reference's tag (or digest when it has no tag).
     *
     * @return the digest the registry answered, checked to be the sha256 of {@code body}
     */
    public String putManifest(ImageReference ref, String mediaType, byte[] body) { return manifests.putManifest(ref, mediaType, body); }

    /** {@code DELETE} of a manifest by digest (registries need {@code delete} enabled; tags pointing at it go too). */
    public void deleteManifest(String registry, String repository, String digest) { manifests.deleteManifest(registry, repository, digest); }

    /**
     * The API version check Docker clients start with ({@code GET /v2/}, without credentials): opens the connection
     * to {@code registry} (over TLS negotiating HTTP/2, which {@link #protocol} then reports) so that requests made
     * after it find the connection ready. True when the registry speaks the API (200, or 401 asking for credentials).
     * Not retried: a caller warming the connection up loses nothing when it fails.
     */
    public boolean checkApi(String registry) { return calls.checkApi(registry); }

    // ---------------------------------------------------------------- blob reads ({@link BlobReads})

    /**
     * {@code GET} of a blob (e.g. an image config), verified against its digest; empty on 404. A redirect to blob
     * storage is followed once, without our credentials (they must not reach another host).
     */
    public Optional<byte[]> getBlob(String registry, String repository, String digest) { return blobReads.getBlob(registry, repository, digest); }

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
        return blobReads.readBlob(registry, repository, digest, size, reader);
    }

    // ---------------------------------------------------------------- blob writes ({@link BlobUploads})

    public boolean blobExists(String registry, String repository, String digest) { return blobUploads.blobExists(registry, repository, digest); }

    public void pushBlob(String registry, String repository, String digest, byte[] content) {
        blobUploads.pushBlob(registry, repository, digest, content);
    }

    /** Uploads a blob unless the repository already has it (see {@link #upload}). */
    public void pushBlob(String registry, String repository, String digest, Path content) {
        blobUploads.pushBlob(registry, repository, digest, content);
    }

    /**
     * Makes {@code blob} available in {@code repository}: nothing when the repository has it ({@code HEAD}), a
     * cross-repository mount from the first of {@code mountFrom} the registry mounts from, else an upload. An upload
     * retries each request on its own, resumes from the registry's {@code Range} after a failed chunk and restarts
     * when the registry lost the session (see {@link BlobUploads}).
     *
     * @return whether the blob was there, mounted or uploaded
     */
    public UploadOutcome upload(String registry, String repository, BlobContent blob, List<String> mountFrom) {
        return blobUploads.upload(registry, repository, blob, mountFrom);
    }

    /**
     * Cross-repository mount: makes {@code digest} from {@code fromRepository} available in {@code repository} without
     * uploading. False when the registry did not mount (the blob must then be pushed).
     */
    public boolean mountBlob(String registry, String repository, String digest, String fromRepository) {
        return blobUploads.mountBlob(registry, repository, digest, fromRepository);
    }

    @Override
    public String toString() { return "RegistryClient" + calls.options(); }
}
