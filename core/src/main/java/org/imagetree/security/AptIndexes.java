package org.imagetree.security;

import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.imagetree.config.ReadLimits;
import org.imagetree.read.DebianVersion;
import org.imagetree.registry.BoundedBody;
import org.imagetree.registry.ReadLimitExceeded;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The {@code Packages} indexes of APT sources, each fetched once per run (an instance is one run): the suite's
 * {@code InRelease} is verified with the source's keyring (a bad signature is an error), each index is checked against
 * the SHA256 the signed Release gives, and only the newest version of each package is kept. Thread-safe: images
 * scanned in parallel share the fetches.
 *
 * <p>Bounded: an {@code InRelease} holds at most {@link ReadLimits#manifestBytes()} and arrives within
 * {@link ReadLimits#requestTimeout()}; an index holds at most the size the signed Release gives and arrives within
 * {@link ReadLimits#downloadTimeout()}; its lines are parsed as a stream.
 */
public final class AptIndexes {
    private final HttpClient http;
    private final Map<String, CompletableFuture<Map<String, SignedFile>>> releases = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Map<String, DebianVersion>>> indexes = new ConcurrentHashMap<>();
    private final Map<Path, CompletableFuture<PGPPublicKeyRingCollection>> keyrings = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    private final java.time.Clock clock;
    private final ReadLimits limits;

    public AptIndexes(HttpClient http) {
        this(http, java.time.Clock.systemUTC());
    }

    /** @param clock for the signed Release's {@code Valid-Until} */
    public AptIndexes(HttpClient http, java.time.Clock clock) {
        this(http, clock, ReadLimits.DEFAULTS);
    }

    /** @param limits bounds on what the sources send */
    public AptIndexes(HttpClient http, java.time.Clock clock, ReadLimits limits) {
        this.http = http;
        this.clock = clock;
        this.limits = limits;
    }

    /** A client that follows the archive's redirects (mirror networks redirect). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Bytes of InRelease and Packages files downloaded so far. */
    public long bytesRead() { return bytes.get(); }

    /**
     * Newest available version of each package for images of {@code suite} and {@code arch} (a Debian architecture),
     * over every source that applies.
     */
    public Map<String, DebianVersion> available(List<AptSource> sources, String suite, String arch) {
        Map<String, DebianVersion> out = new HashMap<>();
        for (AptSource s : sources) {
            if (!s.appliesTo(suite)) continue;
            for (String component : s.components()) {
                for (Map.Entry<String, DebianVersion> e : index(s, s.suiteFor(suite), component, arch).entrySet()) {
                    out.merge(e.getKey(), e.getValue(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        return out;
    }

    private Map<String, DebianVersion> index(AptSource source, String suite, String component, String arch) {
        String key = source.url() + " " + suite + " " + component + " " + arch + " " + source.keyring();
        return once(indexes, key, () -> fetchIndex(source, suite, component, arch));
    }

    private Map<String, DebianVersion> fetchIndex(AptSource source, String suite, String component, String arch) {
        Map<String, SignedFile> signed = release(source, suite);
        String base = source.url() + "/dists/" + suite + "/";
        String plain = component + "/binary-" + arch + "/Packages";
        List<String> missing = new java.util.ArrayList<>();
        for (String candidate : List.of(plain + ".gz", plain + ".xz", plain)) {
            SignedFile file = signed.get(candidate);
            if (file == null) continue;
            String sum = file.sha256();
            Optional<byte[]> fetched = get(base + candidate, file.size());
            if (fetched.isEmpty()) { // archives list the uncompressed index's checksum without serving it
                missing.add(candidate);
                continue;
            }
            byte[] body = fetched.get();
            String actual = sha256(body);
            if (!actual.equals(sum)) {
                throw new SecurityScanException(base + candidate + ": SHA256 " + actual + " does not match the signed Release (" + sum + ")");
            }
            try (InputStream in = decompress(candidate, body)) {
                return parsePackages(in, base + candidate);
            } catch (IOException e) {
                throw new SecurityScanException(base + candidate + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (!missing.isEmpty()) {
            throw new SecurityScanException(base + String.join(", ", missing) + " listed in the signed Release but not found (404)");
        }
        return Map.of(); // the suite has no such component/architecture: nothing available from it
    }

    private static InputStream decompress(String name, byte[] body) throws IOException {
        InputStream raw = new ByteArrayInputStream(body);
        if (name.endsWith(".gz")) return new GZIPInputStream(raw, 1 << 16);
        if (name.endsWith(".xz")) return new org.tukaani.xz.XZInputStream(raw);
        return raw;
    }

    static Map<String, DebianVersion> parsePackages(InputStream in, String what) throws IOException {
        Map<String, DebianVersion> out = new HashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String name = null;
        String version = null;
        for (String line; ; ) {
            line = r.readLine();
            if (line == null || line.isEmpty()) {
                if (name != null && version != null) {
                    try {
                        DebianVersion v = DebianVersion.parse(version);
                        out.merge(name, v, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                    } catch (IllegalArgumentException e) {
                        throw new IOException(what + ": package " + name + " has an invalid version '" + version + "'");
                    }
                }
                name = version = null;
                if (line == null) break;
                continue;
            }
            if (line.startsWith("Package:")) name = line.substring(8).strip();
            else if (line.startsWith("Version:")) version = line.substring(8).strip();
        }
        return out;
    }

    /** The verified Release's SHA256 section: path → checksum and size. */
    private Map<String, SignedFile> release(AptSource source, String suite) {
        String key = source.url() + " " + suite + " " + source.keyring();
        return once(releases, key, () -> {
            String url = source.url() + "/dists/" + suite + "/InRelease";
            byte[] body = get(url, -1).orElseThrow(() -> new SecurityScanException(url + " not found (404): no such suite in " + source));
            PGPPublicKeyRingCollection keys = keyring(source.keyring());
            String text;
            try {
                text = InReleaseVerifier.verify(body, keys, url);
            } catch (InReleaseVerifier.BadSignature e) {
                throw new SecurityScanException(e.getMessage() + " (keyring " + source.keyring() + ")");
            } catch (IOException e) {
                throw new SecurityScanException(url + ": cannot read its signature: " + e.getMessage(), e);
            }
            checkValidUntil(text, url);
            return sha256Section(text);
        });
    }

    /**
     * A Release past its {@code Valid-Until} is an error, as for APT: an old, correctly signed Release (served by a stale
     * mirror or an attacker) would hide the updates published since.
     */
    private void checkValidUntil(String release, String url) {
        for (String line : release.split("\n")) {
            if (!line.startsWith("Valid-Until:")) continue;
            String value = line.substring("Valid-Until:".length()).strip();
            java.time.ZonedDateTime until;
            try {
                until = java.time.ZonedDateTime.parse(value.replace(" UTC", " GMT"), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
            } catch (java.time.format.DateTimeParseException e) {
                throw new SecurityScanException(url + ": Valid-Until '" + value + "' is not a date");
            }
            if (clock.instant().isAfter(until.toInstant())) {
                throw new SecurityScanException(url + " expired at " + value + " (Valid-Until): the mirror is stale or the Release was replayed");
            }
        }
    }

    /**
     * One file of a signed Release's SHA256 section.
     *
     * @param size bytes, or -1 when the Release's size field is not a number (the checksum still decides)
     */
    record SignedFile(String sha256, long size) {}

    /** The signed Release's SHA256 section, parsed once: path → checksum and size, in the Release's order. */
    static Map<String, SignedFile> sha256Section(String release) {
        Map<String, SignedFile> files = new LinkedHashMap<>();
        boolean in = false;
        for (String line : release.split("\n")) {
            if (!line.startsWith(" ")) {
                in = line.startsWith("SHA256:");
                continue;
            }
            if (!in) continue;
            String[] f = line.strip().split("\\s+");
            if (f.length != 3) continue;
            long size;
            try {
                size = Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                size = -1; // not a size: the checksum still decides
            }
            files.put(f[2], new SignedFile(f[0], size));
        }
        return files;
    }

    private PGPPublicKeyRingCollection keyring(Path path) {
        return once(keyrings, path, () -> {
            try {
                return InReleaseVerifier.readKeyring(path);
            } catch (IOException e) {
                throw new SecurityScanException(e.getMessage(), e);
            }
        });
    }

    /**
     * {@code GET} of an InRelease ({@code signedSize} -1: at most {@link ReadLimits#manifestBytes()}, within
     * {@link ReadLimits#requestTimeout()}) or of an index the signed Release gives the size of (at most that, within
     * {@link ReadLimits#downloadTimeout()}).
     */
    private Optional<byte[]> get(String url, long signedSize) {
        boolean index = signedSize >= 0;
        BoundedBody.Bounds bounds = index
                ? BoundedBody.Bounds.startingNow(Long.MAX_VALUE, ReadLimits.LAYER_BYTES, limits.downloadTimeout(), ReadLimits.DOWNLOAD_TIMEOUT)
                : BoundedBody.Bounds.startingNow(limits.manifestBytes(), ReadLimits.MANIFEST_BYTES, limits.requestTimeout(), ReadLimits.REQUEST_TIMEOUT);
        try {
            HttpResponse<InputStream> r = BoundedBody.send(http, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                    .header("User-Agent", "image-tree").GET().build(), bounds);
            byte[] body;
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) return Optional.empty();
                if (r.statusCode() != 200) throw new SecurityScanException("GET " + url + " answered HTTP " + r.statusCode());
                if (index) {
                    if (signedSize > Integer.MAX_VALUE - 16) throw new SecurityScanException("GET " + url + ": the signed Release gives a size of " + signedSize + " bytes, too large to read");
                    body = in.readNBytes((int) signedSize + 1);
                    if (body.length > signedSize) throw new SecurityScanException("GET " + url + ": longer than the " + signedSize + " bytes the signed Release gives");
                } else {
                    body = in.readAllBytes();
                }
            }
            bytes.addAndGet(body.length);
            return Optional.of(body);
        } catch (ReadLimitExceeded e) {
            throw new SecurityScanException("GET " + url + ": " + e.getMessage(), e);
        } catch (IOException e) {
            URI uri = URI.create(url);
            String server = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            throw new SecurityScanException("GET " + url + " failed: " + org.imagetree.registry.TransportFailure.describe(e, server), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecurityScanException("GET " + url + " interrupted", e);
        }
    }

    /** Computes {@code make} once per key, even when several threads ask at once; a failure is remembered too. */
    static <K, V> V once(Map<K, CompletableFuture<V>> cache, K key, java.util.function.Supplier<V> make) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = cache.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                mine.complete(make.get());
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
