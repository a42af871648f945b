package org.imagetree.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Reads, through the registry API and without running anything, what an image has installed: its dpkg database
 * ({@code var/lib/dpkg/status}, or {@code var/lib/dpkg/status.d/*} in distroless-style images) from the newest layer
 * that holds it, and its suite from {@code etc/os-release}. Layers are read newest first and streamed; a layer's read
 * stops as soon as it has given all it can (the status file and os-release), and the walk stops at the first layer
 * that answers. Whiteouts ({@code .wh.NAME}, opaque {@code .wh..wh..opq}) hide what lower layers hold.
 *
 * <p>One instance is one run: each distinct layer digest is read at most once, however many images share it (a tree's
 * images share their parents' layers), even when images are read in parallel. Thread-safe.
 */
public final class ImageReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STATUS = "var/lib/dpkg/status";
    static final String STATUS_D = "var/lib/dpkg/status.d/";
    static final String ETC_OS_RELEASE = "etc/os-release";
    static final String USR_OS_RELEASE = "usr/lib/os-release";
    private static final Set<String> WANTED = Set.of(STATUS, ETC_OS_RELEASE, USR_OS_RELEASE);

    private final RegistryClient registry;
    private final Map<String, CompletableFuture<Layer>> layers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Image>>> images = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong layerReads = new AtomicLong();

    public ImageReader(RegistryClient registry) {
        this.registry = registry;
    }

    /**
     * What an image holds.
     *
     * @param digest   manifest digest
     * @param arch     Debian architecture of the image ({@code amd64}, {@code arm64}, …)
     * @param labels   config labels
     * @param suite    {@code VERSION_CODENAME} of os-release, empty when it has none
     * @param packages installed package → version; empty when the image has no dpkg database
     * @param bytesRead compressed layer bytes this image's read downloaded (layers already read for another image cost nothing)
     */
    public record Image(String reference, String digest, String arch, Map<String, String> labels, List<String> layers,
                        String suite, Map<String, String> packages, boolean hasDpkg, long bytesRead) {}

    /** What one layer holds of interest: wanted files (content or symlink target), status.d files, whiteouts. */
    record Layer(Map<String, Entry> entries, Map<String, String> statusD, Set<String> whiteouts, Set<String> opaque, long bytes) {
        /** Whether this layer hides {@code path} of lower layers (a whiteout of it or of a parent, or an opaque parent). */
        boolean hides(String path) {
            if (whiteouts.contains(path)) return true;
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String dir = path.substring(0, slash);
                if (whiteouts.contains(dir) || opaque.contains(dir)) return true;
            }
            return false;
        }
    }

    /** A file's text, or a symlink's target. */
    record Entry(String content, String linkTarget) {}

    /** Compressed bytes of layers downloaded so far. */
    public long bytesRead() { return bytes.get(); }

    /** Layer reads so far (one per distinct digest). */
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
                ImageReference byDigest = new ImageReference(ref.registry(), ref.repository(), null, chosen);
                m = registry.getManifest(byDigest);
                if (m.isEmpty()) throw new SecurityScanException(reference + ": its index names " + chosen + ", which the registry does not have");
                manifest = JSON.readTree(m.get().content());
            }
            String configDigest = manifest.path("config").path("digest").asText(null);
            if (configDigest == null) throw new SecurityScanException(reference + ": manifest without a config");
            byte[] configBytes = registry.getBlob(ref.registry(), ref.repository(), configDigest)
                    .orElseThrow(() -> new SecurityScanException(reference + ": config blob " + configDigest + " not found"));
            JsonNode config = JSON.readTree(configBytes);
            Map<String, String> labels = new TreeMap<>();
            config.path("config").path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            String arch = debianArch(config.path("architecture").asText("amd64"), config.path("variant").asText(""));
            List<String> layerDigests = new ArrayList<>();
            List<String> layerTypes = new ArrayList<>();
            for (JsonNode l : manifest.path("layers")) {
                layerDigests.add(l.path("digest").asText());
                layerTypes.add(l.path("mediaType").asText(""));
            }
            return Optional.of(walk(ref, reference, digest, arch, labels, layerDigests, layerTypes));
        } catch (IOException e) {
            throw new SecurityScanException(reference + ": cannot read: " + e.getMessage(), e);
        } catch (RegistryException e) {
            throw new SecurityScanException(reference + ": " + e.getMessage(), e);
        }
    }

    private Image walk(ImageReference ref, String reference, String digest, String arch, Map<String, String> labels,
                       List<String> digests, List<String> types) {
        long[] mine = {0};
        List<Layer> read = new ArrayList<>();
        String status = null;
        boolean statusDone = false;
        Map<String, String> statusD = new LinkedHashMap<>();
        Set<String> statusDHidden = new HashSet<>();
        boolean statusDDone = false;
        Resolution etc = new Resolution(ETC_OS_RELEASE);
        Resolution usr = new Resolution(USR_OS_RELEASE);
        for (int i = digests.size() - 1; i >= 0; i--) {
            if (statusDone && etc.done && (etc.target() == null || usr.done)) break;
            Layer layer = layer(ref, digests.get(i), types.get(i), mine);
            read.add(layer);
            if (!statusDone) {
                Entry e = layer.entries().get(STATUS);
                if (e != null && e.content() != null) {
                    status = e.content();
                    statusDone = true;
                } else if (layer.hides(STATUS)) {
                    statusDone = true;
                }
            }
            if (!statusDDone) {
                layer.statusD().forEach((name, text) -> {
                    if (!statusDHidden.contains(name)) statusD.putIfAbsent(name, text);
                });
                for (String w : layer.whiteouts()) if (w.startsWith(STATUS_D)) statusDHidden.add(w.substring(STATUS_D.length()));
                if (layer.hides(STATUS_D + "x") && !layer.whiteouts().contains(STATUS_D + "x")) statusDDone = true;
            }
            etc.see(layer);
            usr.see(layer);
        }
        String osRelease = etc.content();
        if (osRelease == null && etc.target() != null) osRelease = usr.content();
        Map<String, String> os = osRelease == null ? Map.of() : DpkgStatus.osRelease(osRelease);
        String suite = os.getOrDefault("VERSION_CODENAME", "");
        Map<String, String> packages = new LinkedHashMap<>();
        boolean hasDpkg = status != null || !statusD.isEmpty();
        if (status != null) DpkgStatus.parse(status, packages);
        else statusD.forEach((name, text) -> { if (!name.endsWith(".md5sums")) DpkgStatus.parse(text, packages); });
        return new Image(reference, digest, arch, Map.copyOf(labels), List.copyOf(digests), suite, Map.copyOf(packages), hasDpkg, mine[0]);
    }

    /** The top-most state of one path over the layers seen so far, newest first. */
    private static final class Resolution {
        final String path;
        boolean done;
        Entry entry;

        Resolution(String path) { this.path = path; }

        void see(Layer layer) {
            if (done) return;
            Entry e = layer.entries().get(path);
            if (e != null) {
                entry = e;
                done = true;
            } else if (layer.hides(path)) {
                done = true;
            }
        }

        String content() { return entry == null ? null : entry.content(); }

        /** The symlink target when the path is a link to the other os-release (Debian: ../usr/lib/os-release). */
        String target() { return entry == null ? null : entry.linkTarget(); }
    }

    private Layer layer(ImageReference ref, String digest, String mediaType, long[] mine) {
        return AptIndexes.once(layers, digest, () -> {
            Layer l = readLayer(ref, digest, mediaType);
            mine[0] += l.bytes();
            return l;
        });
    }

    private Layer readLayer(ImageReference ref, String digest, String mediaType) {
        if (mediaType.contains("zstd")) {
            throw new SecurityScanException(ref + ": layer " + digest + " is zstd-compressed, which the scan does not read");
        }
        layerReads.incrementAndGet();
        Optional<Layer> l = registry.readBlob(ref.registry(), ref.repository(), digest, raw -> {
            CountingStream counted = new CountingStream(raw);
            try {
                return scanTar(new BufferedInputStream(counted, 1 << 16), mediaType, counted);
            } finally {
                bytes.addAndGet(counted.count);
            }
        });
        return l.orElseThrow(() -> new SecurityScanException(ref + ": layer " + digest + " not found in the registry"));
    }

    static Layer scanTar(InputStream raw, String mediaType, CountingStream counted) throws IOException {
        InputStream in = raw;
        if (!mediaType.endsWith(".tar") && !mediaType.endsWith("tar")) {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
        }
        Map<String, Entry> entries = new HashMap<>();
        Map<String, String> statusD = new HashMap<>();
        Set<String> whiteouts = new HashSet<>();
        Set<String> opaque = new HashSet<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            String path = normalise(e.getName());
            if (path.isEmpty()) continue;
            int slash = path.lastIndexOf('/');
            String dir = slash < 0 ? "" : path.substring(0, slash);
            String name = path.substring(slash + 1);
            if (name.equals(".wh..wh..opq")) {
                opaque.add(dir);
                continue;
            }
            if (name.startsWith(".wh.")) {
                whiteouts.add((dir.isEmpty() ? "" : dir + "/") + name.substring(4));
                continue;
            }
            if (WANTED.contains(path)) {
                if (e.isSymbolicLink()) {
                    entries.put(path, new Entry(null, e.getLinkName()));
                } else if (e.isFile()) {
                    entries.put(path, new Entry(new String(tar.readAllBytes(), StandardCharsets.UTF_8), null));
                } else {
                    entries.put(path, new Entry(null, null));
                }
            } else if (path.startsWith(STATUS_D) && e.isFile() && path.indexOf('/', STATUS_D.length()) < 0) {
                statusD.put(path.substring(STATUS_D.length()), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (complete(entries)) break; // all this layer can tell: the rest is not downloaded
        }
        return new Layer(Map.copyOf(entries), Map.copyOf(statusD), Set.copyOf(whiteouts), Set.copyOf(opaque), counted == null ? 0 : counted.count);
    }

    /** The status file and a resolved os-release are in this layer: it has nothing more for a scan. */
    private static boolean complete(Map<String, Entry> entries) {
        Entry status = entries.get(STATUS);
        Entry etc = entries.get(ETC_OS_RELEASE);
        if (status == null || status.content() == null || etc == null) return false;
        return etc.linkTarget() == null || entries.containsKey(USR_OS_RELEASE);
    }

    static String normalise(String name) {
        String p = name;
        while (p.startsWith("./")) p = p.substring(2);
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
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

    /** Counts the compressed bytes that came over the network. */
    static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) { super(in); }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
