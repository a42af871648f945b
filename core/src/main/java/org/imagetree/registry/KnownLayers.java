package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which compressed blobs of a registry hold which uncompressed layers ({@code diff_id}), learnt from the manifests and
 * configs of images there (layer {@code i} of a manifest is {@code rootfs.diff_ids[i]} of its config) and from what
 * pushes made. A push then names a layer it shares with its base by the base's blob, mounted instead of compressed and
 * uploaded again: what Docker does with its {@code v2metadata}. Only gzip layers are used (what a Docker or OCI image
 * manifest may name for an engine image).
 *
 * <p>With a store directory (the user's cache), what pushes made outlives the run, as Docker's {@code v2metadata}
 * does: a later run to the same registry finds the blob of a layer it would otherwise compress again. Entries read
 * from the store are {@linkplain Known#verified() unverified}: the blob may have been deleted since, so a user asks
 * the registry ({@code HEAD}) before naming it. The store also keeps each layer's uncompressed size, which lets an
 * export recognise a layer it need not keep. One small file per layer, lines appended; several processes may share
 * it. Thread-safe.
 */
public final class KnownLayers {
    private static final Logger LOG = LoggerFactory.getLogger(KnownLayers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A blob of {@code registry} holding a layer, and the repositories said to have it.
     *
     * @param verified false when it comes from an earlier run (ask the registry before naming it)
     */
    public record Known(String registry, String digest, long size, List<String> repositories, boolean verified) {}

    private final RegistryClient client;
    private final LineStore store;
    /** registry → diff_id → blob, learnt or pushed in this run. */
    private final Map<String, Map<String, Entry>> byRegistry = new ConcurrentHashMap<>();
    private final Set<ImageReference> learnt = ConcurrentHashMap.newKeySet();

    private record Entry(String digest, long size, List<String> repositories) {}

    /** Knowledge of this run only. */
    public KnownLayers(RegistryClient client) {
        this(client, null);
    }

    /** @param store the directory of what earlier runs pushed (made on first write, mode 0700), or null */
    public KnownLayers(RegistryClient client, Path store) {
        this.client = client;
        this.store = new LineStore(store);
    }

    /** The user's store: {@code $XDG_CACHE_HOME/imagetree/layers}, else {@code ~/.cache/imagetree/layers}; null without either. */
    public static Path defaultStore(Map<String, String> env) {
        String cache = env.get("XDG_CACHE_HOME");
        if (cache != null && !cache.isEmpty()) return Path.of(cache, "imagetree", "layers");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return home == null || home.isEmpty() ? null : Path.of(home, ".cache", "imagetree", "layers");
    }

    /** The blob of {@code registry} known to hold the layer {@code diffId}: from this run first, else from the store. */
    public Optional<Known> find(String registry, String diffId) {
        Entry e = byRegistry.getOrDefault(registry, Map.of()).get(diffId);
        if (e != null) return Optional.of(new Known(registry, e.digest(), e.size(), List.copyOf(e.repositories()), true));
        return stored(diffId).blobs.getOrDefault(registry, Optional.empty());
    }

    /** Records that {@code repository} of {@code registry} holds the layer {@code diffId} as the gzip blob {@code digest}. */
    public void remember(String registry, String repository, String diffId, String digest, long size) {
        if (add(registry, repository, diffId, digest, size)) {
            append(diffId, "blob\t" + registry + "\t" + digest + "\t" + size + "\t" + repository);
        }
    }

    /** Records, for this run, that the registry confirmed an entry of the store: {@code repository} has the blob. */
    public void confirm(String registry, String repository, String diffId, String digest, long size) {
        add(registry, repository, diffId, digest, size);
    }

    private boolean add(String registry, String repository, String diffId, String digest, long size) {
        Map<String, Entry> layers = byRegistry.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
        Entry e = layers.computeIfAbsent(diffId, d -> new Entry(digest, size, new CopyOnWriteArrayList<>()));
        synchronized (e) {
            if (!e.digest().equals(digest) || e.repositories().contains(repository)) return false;
            e.repositories().add(repository);
            return true;
        }
    }

    /** Forgets a stored blob the registry no longer has. */
    public void forget(String registry, String diffId, String digest) {
        append(diffId, "gone\t" + registry + "\t" + digest);
    }

    /** Records the size of the uncompressed layer {@code diffId} (its tar), to recognise it in an export. */
    public void rememberTarSize(String diffId, long size) {
        if (stored(diffId).tarSize.orElse(-1) != size) append(diffId, "size\t" + size);
    }

    /** The size of the uncompressed layer {@code diffId}, if a run recorded it. */
    public OptionalLong tarSize(String diffId) { return stored(diffId).tarSize; }

    /**
     * Learns the layers of {@code ref} (once per reference and instance): its manifest and config, read from the
     * registry. Silent when the image is not there, is an index, or cannot be read: learning only saves work.
     */
    public void learn(ImageReference ref) {
        if (!learnt.add(ref)) return;
        try {
            Optional<Manifest> m = client.getManifest(ref);
            if (m.isEmpty()) return;
            String type = m.get().mediaType();
            if (!type.equals(MediaTypes.DOCKER_MANIFEST) && !type.equals(MediaTypes.OCI_MANIFEST)) return;
            JsonNode manifest = JSON.readTree(m.get().content());
            String configDigest = manifest.path("config").path("digest").asText();
            Optional<byte[]> config = client.getBlob(ref.registry(), ref.repository(), configDigest);
            if (config.isEmpty()) return;
            List<String> diffIds = new ArrayList<>();
            JSON.readTree(config.get()).path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
            JsonNode layers = manifest.path("layers");
            if (layers.size() != diffIds.size()) return;
            for (int i = 0; i < diffIds.size(); i++) {
                JsonNode l = layers.get(i);
                if (!isGzipLayer(l.path("mediaType").asText())) continue;
                remember(ref.registry(), ref.repository(), diffIds.get(i), l.path("digest").asText(), l.path("size").asLong());
            }
        } catch (IOException | RegistryException | IllegalArgumentException e) {
            LOG.debug("cannot learn the layers of {}: {}", ref, e.toString());
        }
    }

    static boolean isGzipLayer(String mediaType) {
        return mediaType.equals(MediaTypes.DOCKER_LAYER_GZIP) || mediaType.equals(MediaTypes.OCI_LAYER_GZIP);
    }

    // ---------------------------------------------------------------- the store

    private record Stored(OptionalLong tarSize, Map<String, Optional<Known>> blobs) {
        static final Stored NONE = new Stored(OptionalLong.empty(), Map.of());
    }

    private Stored stored(String diffId) {
        List<String> lines = store.read(diffId);
        if (lines.isEmpty()) return Stored.NONE;
        OptionalLong tarSize = OptionalLong.empty();
        Map<String, Map<String, List<String>>> blobs = new LinkedHashMap<>(); // registry → digest → repositories
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            try {
                if (f[0].equals("size") && f.length == 2) {
                    tarSize = OptionalLong.of(Long.parseLong(f[1]));
                } else if (f[0].equals("blob") && f.length == 5 && Digests.isSha256(f[2])) {
                    List<String> repos = blobs.computeIfAbsent(f[1], r -> new LinkedHashMap<>()).computeIfAbsent(f[2], d -> new ArrayList<>());
                    if (!repos.contains(f[4])) repos.add(f[4]);
                    sizes.put(f[2], Long.parseLong(f[3]));
                } else if (f[0].equals("gone") && f.length == 3) {
                    Map<String, List<String>> of = blobs.get(f[1]);
                    if (of != null) of.remove(f[2]);
                }
            } catch (NumberFormatException ignored) {
                // a line cut short by a crash: skipped
            }
        }
        Map<String, Optional<Known>> out = new LinkedHashMap<>();
        blobs.forEach((registry, byDigest) -> byDigest.entrySet().stream().reduce((a, b) -> b).ifPresent(last ->
                out.put(registry, Optional.of(new Known(registry, last.getKey(), sizes.get(last.getKey()), List.copyOf(last.getValue()), false)))));
        return new Stored(tarSize, out);
    }

    private void append(String diffId, String line) {
        store.append(diffId, line);
    }
}
