package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which compressed blobs of a registry hold which uncompressed layers ({@code diff_id}), learnt from the manifests and
 * configs of images there (layer {@code i} of a manifest is {@code rootfs.diff_ids[i]} of its config) and from what a
 * run pushed itself. A push then names a layer it shares with its base by the base's blob, mounted instead of
 * compressed and uploaded again: what Docker does with its {@code v2metadata}. Only gzip layers are used (what a
 * Docker or OCI image manifest may name for an engine image). Thread-safe.
 */
public final class KnownLayers {
    private static final Logger LOG = LoggerFactory.getLogger(KnownLayers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blob of {@code registry} holding a layer, and the repositories known to have it. */
    public record Known(String registry, String digest, long size, List<String> repositories) {}

    private final RegistryClient client;
    /** registry → diff_id → blob. */
    private final Map<String, Map<String, Entry>> byRegistry = new ConcurrentHashMap<>();
    private final Set<ImageReference> learnt = ConcurrentHashMap.newKeySet();

    private record Entry(String digest, long size, List<String> repositories) {}

    public KnownLayers(RegistryClient client) {
        this.client = client;
    }

    /** The blob of {@code registry} known to hold the layer {@code diffId}, if any. */
    public Optional<Known> find(String registry, String diffId) {
        Entry e = byRegistry.getOrDefault(registry, Map.of()).get(diffId);
        return e == null ? Optional.empty() : Optional.of(new Known(registry, e.digest(), e.size(), List.copyOf(e.repositories())));
    }

    /** Records that {@code repository} of {@code registry} holds the layer {@code diffId} as the gzip blob {@code digest}. */
    public void remember(String registry, String repository, String diffId, String digest, long size) {
        Map<String, Entry> layers = byRegistry.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
        Entry e = layers.computeIfAbsent(diffId, d -> new Entry(digest, size, new CopyOnWriteArrayList<>()));
        if (e.digest().equals(digest) && !e.repositories().contains(repository)) e.repositories().add(repository);
    }

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
}
