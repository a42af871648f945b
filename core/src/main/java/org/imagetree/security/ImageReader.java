package org.imagetree.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.config.ReadLimits;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Digests;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.ReadLimitExceeded;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;
import org.imagetree.report.SafeText;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Reads, through the registry API and without running anything, what an image has installed: its dpkg database
 * ({@code var/lib/dpkg/status}, or {@code var/lib/dpkg/status.d/*} in distroless-style images) and its suite from
 * {@code etc/os-release} (else {@code usr/lib/os-release}), each the file the engine would show at that path: one
 * {@link ImageFilesystem} resolves paths over the layers (names normalised, whiteouts and opaque directories,
 * symlinks inside the image, hardlinks). Layers are read newest first, down to the one that answers.
 *
 * <p>What a registry serves is untrusted: every layer is read whole and checked against its digest and size
 * ({@link RegistryClient#readBlob(String, String, String, long, RegistryClient.BlobReader)}) before its answer counts;
 * decompressed bytes, parsed files and manifests are bounded ({@link ReadLimits}); a status dpkg could not parse is an
 * error, not an empty database; {@code VERSION_CODENAME} must be a suite name (it becomes part of APT URLs).
 *
 * <p>One instance is one run: each distinct layer digest is read once, however many images share it (a tree's images
 * share their parents' layers), even when images are read in parallel; a layer is read again only when a lookup
 * needs a path the first read did not record (a symlink or hardlink somewhere unusual). Thread-safe.
 */
public final class ImageReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STATUS = "var/lib/dpkg/status";
    static final String STATUS_D = "var/lib/dpkg/status.d";
    static final String ETC_OS_RELEASE = "etc/os-release";
    static final String USR_OS_RELEASE = "usr/lib/os-release";
    /** What every layer read records: enough for a Debian or distroless image's answers without a second read. */
    private static final LayerIndex.Query USUAL = LayerIndex.Query.file(STATUS, LayerIndex.Role.STATUS)
            .union(LayerIndex.Query.dir(STATUS_D, LayerIndex.Role.STATUS))
            .union(LayerIndex.Query.file(ETC_OS_RELEASE, LayerIndex.Role.OS_RELEASE))
            .union(LayerIndex.Query.file(USR_OS_RELEASE, LayerIndex.Role.OS_RELEASE));
    /** A suite name: it becomes part of APT URLs ({@code dists/SUITE/InRelease}). */
    private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9]{1,32}");

    private final RegistryClient registry;
    private final ReadLimits limits;
    private final Map<String, Slot> layers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Image>>> images = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong layerReads = new AtomicLong();

    public ImageReader(RegistryClient registry) {
        this(registry, registry.options().readLimits());
    }

    /** @param limits bounds on layers and the files read from them (the client bounds what it reads itself) */
    public ImageReader(RegistryClient registry, ReadLimits limits) {
        this.registry = registry;
        this.limits = limits;
    }

    /**
     * What an image holds.
     *
     * @param digest    manifest digest
     * @param arch      Debian architecture of the image ({@code amd64}, {@code arm64}, …)
     * @param labels    config labels
     * @param suite     {@code VERSION_CODENAME} of os-release, empty when it has none (or not a suite name: see warnings)
     * @param packages  installed package → version; empty when the image has no dpkg database
     * @param bytesRead compressed layer bytes this image's read downloaded (layers already read for another image cost nothing)
     * @param warnings  what the read found odd but could answer anyway (escaped for printing)
     */
    public record Image(String reference, String digest, String arch, Map<String, String> labels, List<String> layers,
                        String suite, Map<String, String> packages, boolean hasDpkg, long bytesRead, List<String> warnings) {}

    /** One layer of a manifest. */
    private record LayerRef(String digest, String mediaType, long size) {}

    /** The read of one layer digest, shared by every image that has it. */
    private static final class Slot {
        LayerIndex index;
        SecurityScanException failure;
    }

    /** Compressed bytes of layers downloaded so far. */
    public long bytesRead() { return bytes.get(); }

    /** Layer reads so far (one per distinct digest, plus the rare second read of a layer). */
    public long layerReads() { return layerReads.get(); }

    /** Empty when the registry does not know the reference. */
    public Optional<Image> read(String reference) {
        Optional<Image> image = AptIndexes.once(images, reference, () -> doRead(reference));
        // The same image by digest (how children record their parent) costs nothing more.
        image.ifPresent(i -> {
            ImageReference r = ImageReference.parse(reference);
            if (r.digest() == null) images.putIfAbsent(r.registry() + "/" + r.repository() + "@" + i.digest(), CompletableFuture.completedFuture(image));
        });
        return image;
    }

    private Optional<Image> doRead(String reference) {
        ImageReference ref = ImageReference.parse(reference);
        try {
            Optional<Manifest> m = registry.getManifest(ref);
            if (m.isEmpty()) return Optional.empty();
            JsonNode manifest = JSON.readTree(m.get().content());
            String digest = m.get().digest();
            if (manifest.has("manifests")) { // an index: the entry for this machine's architecture
                String want = goArch(System.getProperty("os.arch"));
                String chosen = null;
                for (JsonNode e : manifest.path("manifests")) {
                    JsonNode p = e.path("platform");
                    if ("linux".equals(p.path("os").asText()) && want.equals(p.path("architecture").asText())) {
                        chosen = e.path("digest").asText();
                        break;
                    }
                }
                if (chosen == null) throw new SecurityScanException(reference + ": its index has no linux/" + want + " image");
                if (!Digests.isDigest(chosen)) throw new SecurityScanException(reference + ": its index names '" + SafeText.escape(chosen) + "', which is not a digest");
                ImageReference byDigest = new ImageReference(ref.registry(), ref.repository(), null, chosen);
                m = registry.getManifest(byDigest);
                if (m.isEmpty()) throw new SecurityScanException(reference + ": its index names " + chosen + ", which the registry does not have");
                manifest = JSON.readTree(m.get().content());
                if (manifest.has("manifests")) throw new SecurityScanException(reference + ": its index names another index, " + chosen);
            }
            String configDigest = manifest.path("config").path("digest").asText(null);
            if (configDigest == null) throw new SecurityScanException(reference + ": manifest without a config (schema 1 manifests are not read)");
            if (!Digests.isDigest(configDigest)) throw new SecurityScanException(reference + ": its config digest '" + SafeText.escape(configDigest) + "' is not a digest");
            byte[] configBytes = registry.getBlob(ref.registry(), ref.repository(), configDigest)
                    .orElseThrow(() -> new SecurityScanException(reference + ": config blob " + configDigest + " not found"));
            JsonNode config = JSON.readTree(configBytes);
            Map<String, String> labels = new TreeMap<>();
            config.path("config").path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            List<String> warnings = new ArrayList<>();
            String arch = debianArch(config.path("architecture").asText("amd64"), config.path("variant").asText(""));
            if (!ARCH.matcher(arch).matches()) {
                throw new SecurityScanException(reference + ": its config names architecture '" + SafeText.escape(arch) + "', which is not an architecture");
            }
            List<LayerRef> layerRefs = new ArrayList<>();
            for (JsonNode l : manifest.path("layers")) {
                String d = l.path("digest").asText("");
                if (!Digests.isDigest(d)) throw new SecurityScanException(reference + ": a layer digest '" + SafeText.escape(d) + "' is not a digest");
                long size = l.path("size").canConvertToLong() ? l.path("size").asLong(-1) : -1;
                if (size < 0) throw new SecurityScanException(reference + ": layer " + d + " has no valid size");
                layerRefs.add(new LayerRef(d, l.path("mediaType").asText(""), size));
            }
            return Optional.of(walk(ref, reference, digest, arch, labels, layerRefs, warnings));
        } catch (IOException e) {
            throw new SecurityScanException(reference + ": cannot read: " + SafeText.escape(e.getMessage()), e);
        } catch (RegistryException e) {
            throw new SecurityScanException(reference + ": " + e.getMessage(), e);
        }
    }

    private Image walk(ImageReference ref, String reference, String digest, String arch, Map<String, String> labels,
                       List<LayerRef> refs, List<String> warnings) {
        long[] mine = {0};
        List<LayerRef> newestFirst = new ArrayList<>(refs);
        java.util.Collections.reverse(newestFirst);
        ImageFilesystem fs = new ImageFilesystem(new ImageFilesystem.Layers() {
            @Override
            public int count() { return newestFirst.size(); }

            @Override
            public LayerIndex index(int i, LayerIndex.Query query) {
                return layer(ref, newestFirst.get(i), query, mine);
            }
        });
        Map<String, String> packages;
        boolean hasDpkg;
        Optional<LayerIndex.Content> status = fs.file(STATUS, LayerIndex.Role.STATUS);
        if (status.isPresent()) {
            packages = parsed(reference, status.get(), DpkgStatus.Database.class);
            hasDpkg = true;
        } else {
            List<DpkgStatus.Database> parts = new ArrayList<>();
            for (Map.Entry<String, LayerIndex.Content> f : fs.directory(STATUS_D, LayerIndex.Role.STATUS).entrySet()) {
                if (f.getKey().endsWith(".md5sums")) continue;
                parts.add(parsed(reference, f.getValue(), DpkgStatus.Database.class));
            }
            hasDpkg = !parts.isEmpty();
            packages = parts.size() == 1 ? parts.get(0) : DpkgStatus.Database.merge(parts);
        }
        Optional<LayerIndex.Content> osRelease = fs.file(ETC_OS_RELEASE, LayerIndex.Role.OS_RELEASE)
                .or(() -> fs.file(USR_OS_RELEASE, LayerIndex.Role.OS_RELEASE));
        @SuppressWarnings("unchecked")
        Map<String, String> os = osRelease.isEmpty() ? Map.of() : parsed(reference, osRelease.get(), Map.class);
        String suite = os.getOrDefault("VERSION_CODENAME", "");
        if (!suite.isEmpty() && !SUITE.matcher(suite).matches()) {
            warnings.add(reference + ": VERSION_CODENAME '" + SafeText.escape(suite.length() > 80 ? suite.substring(0, 80) + "…" : suite)
                    + "' in os-release is not a suite name: no APT source applies");
            suite = "";
        }
        List<String> digests = refs.stream().map(LayerRef::digest).toList();
        return new Image(reference, digest, arch, Map.copyOf(labels), digests, suite, packages, hasDpkg, mine[0], List.copyOf(warnings));
    }

    private static <T> T parsed(String reference, LayerIndex.Content content, Class<T> type) {
        if (content instanceof LayerIndex.Invalid invalid) throw new SecurityScanException(reference + ": " + invalid.message());
        return type.cast(((LayerIndex.Parsed) content).value());
    }

    /** The read of a layer that answers {@code query} (read once per digest; again only for what it did not record). */
    private LayerIndex layer(ImageReference ref, LayerRef layer, LayerIndex.Query query, long[] mine) {
        Slot slot = layers.computeIfAbsent(layer.digest(), d -> new Slot());
        synchronized (slot) {
            if (slot.failure != null) throw slot.failure;
            if (slot.index != null && slot.index.query().covers(query)) return slot.index;
            LayerIndex.Query want = (slot.index == null ? USUAL : slot.index.query()).union(query);
            try {
                long[] read = {0};
                slot.index = readLayer(ref, layer, want, read);
                mine[0] += read[0];
                return slot.index;
            } catch (SecurityScanException e) {
                slot.failure = e;
                throw e;
            }
        }
    }

    private LayerIndex readLayer(ImageReference ref, LayerRef layer, LayerIndex.Query query, long[] read) {
        String where = ref.registry() + "/" + ref.repository() + "@" + layer.digest();
        if (layer.mediaType().contains("zstd")) {
            throw new SecurityScanException(ref + ": layer " + layer.digest() + " is zstd-compressed, which the scan does not read");
        }
        layerReads.incrementAndGet();
        try {
            Optional<LayerIndex> l = registry.readBlob(ref.registry(), ref.repository(), layer.digest(), layer.size(), raw -> {
                CountingStream counted = new CountingStream(raw);
                try {
                    return LayerIndex.read(counted, layer.mediaType(), query, limits, where);
                } catch (IOException e) {
                    // The network's failures (retried) and limits pass; the layer's own are not retried.
                    if (e == counted.failure || e instanceof ReadLimitExceeded) throw e;
                    throw new SecurityScanException(where + ": not a layer the engine would unpack: " + SafeText.escape(e.getMessage()), e);
                } finally {
                    read[0] += counted.count;
                    bytes.addAndGet(counted.count);
                }
            });
            return l.orElseThrow(() -> new SecurityScanException(ref + ": layer " + layer.digest() + " not found in the registry"));
        } catch (RegistryException e) {
            throw new SecurityScanException(ref + ": " + e.getMessage(), e);
        }
    }

    static String debianArch(String goArch, String variant) {
        return switch (goArch) {
            case "amd64" -> "amd64";
            case "arm64" -> "arm64";
            case "arm" -> variant.equals("v5") ? "armel" : "armhf";
            case "386" -> "i386";
            case "ppc64le" -> "ppc64el";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "mips64le" -> "mips64el";
            default -> goArch;
        };
    }

    private static String goArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> javaArch;
        };
    }

    /** Counts the compressed bytes that came over the network, and remembers the failure of reading them. */
    static final class CountingStream extends FilterInputStream {
        long count;
        IOException failure;

        CountingStream(InputStream in) { super(in); }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b >= 0) count++;
                return b;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n > 0) count += n;
                return n;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }
    }
}
