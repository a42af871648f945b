package org.imagetree.security;

import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.read.DebianVersion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Scans images from the registry: their installed Debian packages ({@link ImageReader}) against the Packages indexes of
 * the APT sources that apply to their suite ({@link AptIndexes}), in Debian's version order. A package counts as
 * {@code parent} when the image's parent has the same version installed — the parent being the one the image records
 * ({@link BaseImageOf#NAME_LABEL} at {@link BaseImageOf#DIGEST_LABEL}, i.e. the exact parent it was built on), or the
 * one the caller names — and {@code own} otherwise. Images and parents are read only from registries {@code readable}
 * accepts (the project's own: an image elsewhere is a row "not ours", never fetched); a package of an image whose
 * parent cannot be read counts as {@code own}, with a warning. An image that cannot be read (a registry unreachable or
 * lying, content past a limit) is a row with its error, and the others are scanned all the same; an APT source that
 * cannot be verified fails the whole scan (every answer would depend on it).
 */
public final class SecurityScanner {
    private final ImageReader reader;
    private final AptIndexes indexes;
    private final List<AptSource> sources;
    private final Predicate<String> readable;
    private final int threads;

    /**
     * @param readable which registries (host[:port]) images and parents may be read from
     * @param threads  images read at once
     */
    public SecurityScanner(ImageReader reader, AptIndexes indexes, List<AptSource> sources, Predicate<String> readable, int threads) {
        this.reader = reader;
        this.indexes = indexes;
        this.sources = List.copyOf(sources);
        this.readable = readable;
        this.threads = Math.max(1, threads);
    }

    /**
     * One image to scan.
     *
     * @param name      name to report (a tree image's name, or the repository)
     * @param reference registry reference to read
     * @param parent    the parent's reference when the caller knows it better than the image's labels (may be null)
     */
    public record Target(String name, String reference, String parent) {
        public static Target of(String reference) {
            ImageReference r = ImageReference.parse(reference);
            return new Target(r.registry() + "/" + r.repository(), reference, null);
        }
    }

    public ScanReport scan(List<Target> targets) {
        long start = System.nanoTime();
        long layerBytes = reader.bytesRead();
        long layerReads = reader.layerReads();
        long indexBytes = indexes.bytesRead();
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagetree-security-scan");
            t.setDaemon(true);
            return t;
        });
        List<CompletableFuture<Optional<ScanReport.ImageScan>>> futures = new ArrayList<>();
        try {
            for (Target t : targets) futures.add(CompletableFuture.supplyAsync(() -> scanOne(t, warnings), pool));
            List<ScanReport.ImageScan> out = new ArrayList<>();
            for (CompletableFuture<Optional<ScanReport.ImageScan>> f : futures) {
                try {
                    f.join().ifPresent(out::add);
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw e;
                }
            }
            List<String> sortedWarnings = new ArrayList<>(warnings);
            Collections.sort(sortedWarnings);
            return new ScanReport(out, sortedWarnings, new ScanReport.Stats((System.nanoTime() - start) / 1_000_000,
                    reader.bytesRead() - layerBytes, reader.layerReads() - layerReads, indexes.bytesRead() - indexBytes));
        } finally {
            pool.shutdownNow();
        }
    }

    private Optional<ScanReport.ImageScan> scanOne(Target t, List<String> warnings) {
        String tag;
        ImageReference ref;
        try {
            ref = ImageReference.parse(t.reference());
            tag = ref.tag() != null ? ref.tag() : "";
        } catch (IllegalArgumentException e) {
            return Optional.of(ScanReport.ImageScan.failed(t.name(), "", t.reference(), "not an image reference: " + e.getMessage()));
        }
        if (!readable.test(ref.registry())) {
            return Optional.of(ScanReport.ImageScan.failed(t.name(), tag, t.reference(), readable instanceof org.imagetree.policy.OurRegistries o
                    ? o.notOurs(ref.registry()) : "not ours: " + ref.registry() + " is not one of our registries, so it is not contacted"));
        }
        Optional<ImageReader.Image> read;
        try {
            read = reader.read(t.reference());
        } catch (SecurityScanException | org.imagetree.registry.RegistryException e) {
            return Optional.of(ScanReport.ImageScan.failed(t.name(), tag, t.reference(), e.getMessage()));
        }
        if (read.isEmpty()) {
            warnings.add(t.name() + ": " + t.reference() + " is not published: not scanned");
            return Optional.empty();
        }
        ImageReader.Image image = read.get();
        warnings.addAll(image.warnings());
        if (!image.hasDpkg()) {
            warnings.add(t.name() + ": " + t.reference() + " has no dpkg database (var/lib/dpkg/status): nothing to compare");
            return Optional.of(new ScanReport.ImageScan(t.name(), tag, t.reference(), image.digest(), image.suite(), List.of(), Optional.empty(), image.bytesRead()));
        }
        if (image.suite().isEmpty()) {
            warnings.add(t.name() + ": " + t.reference() + " has no VERSION_CODENAME in etc/os-release: no APT source applies");
            return Optional.of(new ScanReport.ImageScan(t.name(), tag, t.reference(), image.digest(), "", List.of(), Optional.empty(), image.bytesRead()));
        }
        if (sources.stream().noneMatch(s -> s.appliesTo(image.suite()))) {
            warnings.add(t.name() + ": no APT source of security_sources applies to suite " + image.suite());
        }
        Map<String, DebianVersion> available = indexes.available(sources, image.suite(), image.arch());
        List<ScanReport.Outdated> outdated = new ArrayList<>();
        List<String> parentRefs = parentOf(t, image);
        Optional<ImageReader.Image> parent = Optional.empty();
        boolean parentRead = false;
        for (Map.Entry<String, String> p : image.packages().entrySet()) {
            DebianVersion candidate = available.get(p.getKey());
            if (candidate == null) continue;
            DebianVersion installed;
            try {
                installed = DebianVersion.parse(p.getValue());
            } catch (IllegalArgumentException e) {
                warnings.add(t.name() + ": package " + p.getKey() + " has an invalid version '" + p.getValue() + "'");
                continue;
            }
            if (candidate.compareTo(installed) <= 0) continue;
            if (!parentRead && !parentRefs.isEmpty()) {
                parent = readParent(t, parentRefs, warnings);
                parentRead = true;
            }
            boolean inherited = parent.isPresent() && p.getValue().equals(parent.get().packages().get(p.getKey()));
            outdated.add(new ScanReport.Outdated(p.getKey(), p.getValue(), candidate.toString(),
                    inherited ? ScanReport.From.PARENT : ScanReport.From.OWN));
        }
        outdated.sort(Comparator.comparing(ScanReport.Outdated::name));
        return Optional.of(new ScanReport.ImageScan(t.name(), tag, t.reference(), image.digest(), image.suite(), outdated,
                parent.map(ImageReader.Image::reference), image.bytesRead()));
    }

    private Optional<ImageReader.Image> readParent(Target t, List<String> candidates, List<String> warnings) {
        for (String ref : candidates) {
            try {
                Optional<ImageReader.Image> p = reader.read(ref);
                if (p.isPresent()) return p;
            } catch (SecurityScanException e) {
                warnings.add(t.name() + ": its parent " + ref + " cannot be read (" + e.getMessage() + ")");
            }
        }
        warnings.add(t.name() + ": its parent (" + String.join(", ", candidates) + ") is not in the registry: its outdated packages count as own");
        return Optional.empty();
    }

    /**
     * Where the parent may be read, best first: the exact parent the image records (name at digest), the recorded name,
     * the caller's; only from readable registries.
     */
    private List<String> parentOf(Target t, ImageReader.Image image) {
        List<String> out = new ArrayList<>();
        String name = image.labels().get(BaseImageOf.NAME_LABEL);
        String digest = image.labels().get(BaseImageOf.DIGEST_LABEL);
        if (name != null) {
            try {
                ImageReference r = ImageReference.parse(name);
                if (digest != null && digest.matches("sha256:[0-9a-f]{64}")) out.add(r.registry() + "/" + r.repository() + "@" + digest);
                out.add(name);
            } catch (IllegalArgumentException e) {
                // not a reference: ignored
            }
        }
        if (t.parent() != null) out.add(t.parent());
        return out.stream().distinct().filter(ref -> {
            try {
                return readable.test(ImageReference.parse(ref).registry());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }).toList();
    }
}
