package org.imagetree.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.imagetree.registry.BlobContent;
import org.imagetree.registry.GzipLayers;
import org.imagetree.registry.KnownLayers;
import org.imagetree.registry.MediaTypes;
import org.imagetree.registry.PushableImage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local image of the engine as a {@link PushableImage}: read from the engine's export ({@code docker save}: the
 * config, one uncompressed tar per layer, {@code manifest.json} saying which is which), verified, and described by a
 * Docker image manifest v2 whose layers are gzip blobs.
 *
 * <p>Verified by digest: the config's sha256 is the image id the engine gave, and each layer that is pushed has the
 * sha256 the config lists for it as its {@code diff_id}, in order (computed while it is compressed). A layer the
 * registry is known to hold ({@link KnownLayers}: the layers of the image's base, of images pushed before) is named by
 * that blob, neither compressed nor hashed: its bytes are not sent, and which entry of the export it is comes from the
 * export's {@code manifest.json} and the verified config, as the engine's own push knows it. Every other layer is
 * compressed once per run ({@link GzipLayers}, deterministic: a rerun after an interrupted push makes the same blobs,
 * which the registry then has) and shared by the images of the run that contain it.
 *
 * <p>The export streams once. The older export format names layers by an id that is not their digest and lists which
 * is which only at its end ({@code manifest.json}), so an entry is kept (spooled to the run's directory) unless it is
 * recognised as a layer the registry holds: by its name (the OCI layout names blobs by digest) or by its exact
 * uncompressed size ({@link KnownLayers#tarSize}); a guess the manifest then contradicts makes the export be read again,
 * keeping everything. Hashing is left to the layers that are pushed: a 100 MB base layer hashed for nothing costs a
 * second of a short-lived JVM. Thread-safe.
 */
public final class ImageExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_JSON = 16L << 20;

    private final ContainerEngine engine;
    private final Path dir;
    private final int compressors;
    /** diff_id → the compressed layer, made once per run. */
    private final Map<String, CompletableFuture<BlobContent>> compressed = new ConcurrentHashMap<>();
    private long spools;
    private final AtomicInteger compressions = new AtomicInteger();

    /**
     * @param dir         a private directory for spooled and compressed layers (the caller deletes it)
     * @param compressors layers compressed at once
     */
    public ImageExport(ContainerEngine engine, Path dir, int compressors) {
        this.engine = engine;
        this.dir = dir;
        this.compressors = Math.max(1, compressors);
    }

    /**
     * An exported image: what to push; the layers' diff_ids in order with their blob digests and sizes; and the
     * uncompressed size of each layer it read whole (to recognise it the next time, see {@link KnownLayers#tarSize}).
     */
    public record Exported(PushableImage image, String imageId, List<String> diffIds, List<String> layerDigests, List<Long> layerSizes,
                           Map<String, Long> tarSizes) {}

    /**
     * Exports the local image {@code imageId} ({@code sha256:…}) for a push.
     *
     * @param reuse     layers (by diff_id) the target registry holds, named by those blobs instead of compressed
     * @param log       told when the export is read again
     * @param tarSizes  the uncompressed sizes of the {@code reuse} layers, where known: an export entry of exactly such a
     *                  size (and no other layer to reuse of that size) is only hashed, not kept; if the guess is wrong
     *                  (the hash says another layer) the export is read again, keeping everything
     */
    public Exported export(String imageId, Map<String, KnownLayers.Known> reuse, Map<String, Long> tarSizes, Consumer<String> log)
            throws EngineException, InterruptedException {
        Map<Long, String> bySize = new HashMap<>();
        Map<Long, Integer> sizeCount = new HashMap<>();
        for (String d : reuse.keySet()) {
            Long size = tarSizes.get(d);
            if (size == null) continue;
            bySize.put(size, d);
            sizeCount.merge(size, 1, Integer::sum);
        }
        bySize.keySet().removeIf(size -> sizeCount.get(size) > 1);
        try {
            return read(imageId, reuse, bySize);
        } catch (WrongGuess e) {
            log.accept("a layer of " + imageId + " had the size of a layer the registry has but other bytes: reading the export again");
            try {
                return read(imageId, reuse, Map.of());
            } catch (WrongGuess again) { // a blob named by a digest its config puts elsewhere
                throw new EngineException("the engine's export of " + imageId + " names a layer by a digest its config does not give it");
            }
        }
    }

    /** An entry guessed to be a layer to reuse was another one: its bytes are gone. */
    private static final class WrongGuess extends Exception {
        private static final long serialVersionUID = 1L;

        WrongGuess() { super(null, null, false, false); }
    }

    private Exported read(String imageId, Map<String, KnownLayers.Known> reuse, Map<Long, String> guessBySize)
            throws EngineException, InterruptedException, WrongGuess {
        Map<String, Spooled> files = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        byte[] manifestJson = null;
        try {
            try (InputStream raw = engine.save(imageId); TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
                for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                    if (Thread.interrupted()) throw new InterruptedException();
                    String name = normalise(e.getName());
                    if (e.isSymbolicLink()) {
                        links.put(name, normalise(parent(name) + e.getLinkName()));
                    } else if (e.isLink()) {
                        links.put(name, normalise(e.getLinkName()));
                    } else if (e.isFile()) {
                        if (name.equals("manifest.json")) {
                            manifestJson = readSmall(tar, e, name);
                            continue;
                        }
                        String named = digestInName(name);
                        String guess = named != null && reuse.containsKey(named) ? named
                                : isLayerName(name) ? guessBySize.get(e.getSize()) : null;
                        if (guess != null && e.getSize() > 64 * 1024) {
                            files.put(name, Spooled.dropped(guess, e.getSize())); // the tar stream skips its bytes
                        } else if (e.getSize() <= 64 * 1024) {
                            files.put(name, Spooled.inMemory(readSmall(tar, e, name)));
                        } else {
                            files.put(name, spool(tar));
                        }
                    }
                }
            }
            if (manifestJson == null) throw new EngineException("the engine's export of " + imageId + " has no manifest.json");
            return describe(imageId, manifestJson, files, links, reuse);
        } catch (IOException e) {
            throw new EngineException("cannot read the engine's export of " + imageId + ": " + e.getMessage(), e);
        } finally {
            for (Spooled s : files.values()) s.delete();
        }
    }

    /** {@code blobs/sha256/<hex>} (the OCI layout newer engines export) names its digest. */
    private static String digestInName(String name) {
        return name.matches("blobs/sha256/[0-9a-f]{64}") ? "sha256:" + name.substring("blobs/sha256/".length()) : null;
    }

    private static boolean isLayerName(String name) {
        return name.endsWith("/layer.tar") || name.startsWith("blobs/");
    }

    private Exported describe(String imageId, byte[] manifestJson, Map<String, Spooled> files, Map<String, String> links,
                              Map<String, KnownLayers.Known> reuse) throws IOException, EngineException, InterruptedException, WrongGuess {
        JsonNode entries = JSON.readTree(manifestJson);
        if (!entries.isArray() || entries.size() != 1) {
            throw new EngineException("the engine's export of " + imageId + " holds " + entries.size() + " images, not one");
        }
        JsonNode entry = entries.get(0);
        Spooled config = find(files, links, entry.path("Config").asText(), imageId);
        byte[] configBytes = config.bytes();
        if (configBytes == null) throw new EngineException("the config of " + imageId + " is larger than " + MAX_JSON + " bytes");
        String configDigest = org.imagetree.registry.Digests.sha256(configBytes);
        if (!configDigest.equals(imageId)) {
            throw new EngineException("the engine exported a config with digest " + configDigest + " for image " + imageId);
        }
        List<String> diffIds = new ArrayList<>();
        JSON.readTree(configBytes).path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        JsonNode layerPaths = entry.path("Layers");
        if (layerPaths.size() != diffIds.size()) {
            throw new EngineException("the export of " + imageId + " has " + layerPaths.size() + " layers, its config lists " + diffIds.size());
        }
        List<Spooled> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            Spooled l = find(files, links, layerPaths.get(i).asText(), imageId);
            if (!l.kept() && !reuse.containsKey(diffIds.get(i))) throw new WrongGuess(); // its bytes are needed
            if (l.memory() != null && !l.digest().equals(diffIds.get(i))) {
                throw new EngineException("layer " + (i + 1) + " of " + imageId + " has digest " + l.digest() + ", its config says "
                        + diffIds.get(i));
            }
            layers.add(l);
        }

        // Layers the registry holds are named by their blob; the others compressed (each once), several at a time.
        List<Object> descriptors = new ArrayList<>();
        List<PushableImage.Blob> blobs = new ArrayList<>();
        blobs.add(PushableImage.Blob.of(BlobContent.of(configBytes), List.of()));
        Map<Integer, Future<BlobContent>> pending = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(compressors, r -> {
            Thread t = new Thread(r, "imagetree-compress");
            t.setDaemon(true);
            return t;
        });
        List<KnownLayers.Known> reused = new ArrayList<>();
        try {
            for (int i = 0; i < layers.size(); i++) {
                KnownLayers.Known k = reuse.get(diffIds.get(i));
                reused.add(k);
                if (k != null) continue;
                Spooled l = layers.get(i);
                String diffId = diffIds.get(i);
                CompletableFuture<BlobContent> mine = new CompletableFuture<>();
                CompletableFuture<BlobContent> theirs = compressed.putIfAbsent(diffId, mine);
                if (theirs != null) {
                    pending.put(i, theirs);
                    continue;
                }
                pending.put(i, mine);
                pool.submit(() -> {
                    try {
                        mine.complete(compress(l, diffId, imageId));
                    } catch (Throwable t) {
                        compressed.remove(diffId, mine);
                        mine.completeExceptionally(t);
                    }
                });
            }
            List<String> layerDigests = new ArrayList<>();
            List<Long> layerSizes = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                KnownLayers.Known k = reused.get(i);
                String digest;
                long size;
                if (k != null) {
                    digest = k.digest();
                    size = k.size();
                    blobs.add(new PushableImage.Blob(digest, size, null, k.repositories()));
                } else {
                    BlobContent c;
                    try {
                        c = get(pending.get(i), imageId);
                    } catch (EngineException e) {
                        // Another image's compression of the same layer failed (that image's push was stopped): ours.
                        c = compressAgain(layers.get(i), diffIds.get(i), imageId);
                    }
                    digest = c.digest();
                    size = c.size();
                    blobs.add(PushableImage.Blob.of(c, List.of()));
                }
                layerDigests.add(digest);
                layerSizes.add(size);
                descriptors.add(descriptor(MediaTypes.DOCKER_LAYER_GZIP, digest, size));
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
            manifest.put("config", descriptor(MediaTypes.DOCKER_CONFIG, imageId, configBytes.length));
            manifest.put("layers", descriptors);
            PushableImage image = new PushableImage(JSON.writeValueAsBytes(manifest), MediaTypes.DOCKER_MANIFEST, dedupe(blobs));
            Map<String, Long> tarSizes = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) tarSizes.put(diffIds.get(i), layers.get(i).size);
            return new Exported(image, imageId, List.copyOf(diffIds), List.copyOf(layerDigests), List.copyOf(layerSizes), tarSizes);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<PushableImage.Blob> dedupe(List<PushableImage.Blob> blobs) {
        Map<String, PushableImage.Blob> out = new LinkedHashMap<>();
        for (PushableImage.Blob b : blobs) out.putIfAbsent(b.digest(), b);
        return List.copyOf(out.values());
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("size", size);
        d.put("digest", digest);
        return d;
    }

    private BlobContent get(Future<BlobContent> f, String imageId) throws EngineException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new EngineException("cannot compress a layer of " + imageId + ": " + c.getMessage(), c);
        }
    }

    private BlobContent compressAgain(Spooled layer, String diffId, String imageId) throws EngineException {
        try {
            BlobContent c = compress(layer, diffId, imageId);
            compressed.put(diffId, CompletableFuture.completedFuture(c));
            return c;
        } catch (IOException e) {
            throw new EngineException("cannot compress a layer of " + imageId + ": " + e.getMessage(), e);
        }
    }

    /** Layers compressed so far. */
    public int compressions() { return compressions.get(); }

    /** Compresses a kept layer, checking while it does so that its sha256 is the {@code diff_id} the config lists. */
    private BlobContent compress(Spooled layer, String diffId, String imageId) throws IOException {
        compressions.incrementAndGet();
        Path out = dir.resolve("layer-" + diffId.substring(diffId.indexOf(':') + 1) + ".gz");
        GzipLayers.Compressed c;
        try (InputStream in = layer.open()) {
            c = GzipLayers.compress(in, out);
        }
        if (!c.diffId().equals(diffId)) {
            Files.deleteIfExists(out);
            throw new IOException("the engine's export of " + imageId + " holds a layer with digest " + c.diffId() + " where its config says " + diffId);
        }
        return BlobContent.of(out, c.digest(), c.size());
    }

    private static Spooled find(Map<String, Spooled> files, Map<String, String> links, String path, String imageId) throws EngineException {
        String p = normalise(path);
        for (int hops = 0; hops < 16 && !files.containsKey(p) && links.containsKey(p); hops++) p = links.get(p);
        Spooled s = files.get(p);
        if (s == null) throw new EngineException("the engine's export of " + imageId + " lacks " + path);
        return s;
    }

    private static byte[] readSmall(InputStream in, TarArchiveEntry e, String name) throws IOException {
        if (e.getSize() > MAX_JSON) throw new IOException(name + " is larger than " + MAX_JSON + " bytes");
        return in.readNBytes((int) e.getSize());
    }

    /** Copies the current entry to a spool file; its digest is checked when it is compressed, if it is. */
    private Spooled spool(InputStream in) throws IOException {
        Path file;
        synchronized (this) {
            file = dir.resolve("spool-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId() + "-" + (spools++));
        }
        long size;
        try (OutputStream out = Files.newOutputStream(file)) {
            size = in.transferTo(out);
        }
        return new Spooled(null, size, file, null);
    }

    private static String normalise(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        List<String> parts = new ArrayList<>();
        for (String p : n.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (!parts.isEmpty()) parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    /**
     * A file of the export: in memory (its digest computed), spooled to disk (its digest checked when compressed), or
     * dropped (an entry taken for a layer the registry holds; {@code digest} is that guess, not computed).
     */
    private record Spooled(String digest, long size, Path file, byte[] memory) {
        static Spooled inMemory(byte[] bytes) {
            return new Spooled(org.imagetree.registry.Digests.sha256(bytes), bytes.length, null, bytes);
        }

        static Spooled dropped(String guess, long size) {
            return new Spooled(guess, size, null, null);
        }

        boolean kept() { return memory != null || file != null; }

        InputStream open() throws IOException {
            if (memory == null && file == null) throw new IOException("the layer " + digest + " was not kept");
            return memory != null ? new java.io.ByteArrayInputStream(memory) : Files.newInputStream(file);
        }

        /** The bytes, when small enough to hold. */
        byte[] bytes() throws IOException {
            if (memory != null) return memory;
            if (file == null) return null;
            return size <= MAX_JSON ? Files.readAllBytes(file) : null;
        }

        void delete() {
            if (file == null) return;
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // in the run's directory, deleted at the end of the run
            }
        }
    }
}
