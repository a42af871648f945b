package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which manifest a push made of a local image (by its id, the sha256 of its config) in which repositories of a
 * registry, kept between runs in the user's cache: pushing the same image again (a rerun, another tag, another
 * repository of the same registry) then needs no export from the engine, only the manifest and the blobs it names,
 * which the registry is asked for (mounted, or found present) before the manifest is put. What Docker's engine knows
 * of its own pushes ({@code v2metadata}), for whole images.
 *
 * <p>An entry is believed only as far as it checks: its manifest's sha256 is the digest recorded, its config is the
 * image id asked for, and it names as many layers as the local image has. The registry has the last word: a blob it
 * no longer has fails the push of the entry, and the caller {@linkplain #forget forgets} it and exports the image.
 * One small file per image, lines appended (several processes may share the store). Thread-safe.
 */
public final class PushedImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MANIFEST = 4 << 20;

    /** A manifest pushed of an image, and the repositories of {@code registry} it was pushed to. */
    public record Pushed(String registry, List<String> repositories, String mediaType, byte[] manifest, String digest) {
        public Pushed {
            repositories = List.copyOf(repositories);
            manifest = manifest.clone();
        }

        @Override
        public byte[] manifest() { return manifest.clone(); }

        /** Digest and size of each layer, in order. */
        public List<Map.Entry<String, Long>> layers() {
            List<Map.Entry<String, Long>> out = new ArrayList<>();
            try {
                JSON.readTree(manifest).path("layers").forEach(l -> out.add(Map.entry(l.path("digest").asText(), l.path("size").asLong())));
            } catch (IOException e) {
                throw new IllegalStateException(e); // checked when read
            }
            return out;
        }

        /** The image to push again: config and layers named by their blobs, found in (or mounted from) {@link #repositories}. */
        public PushableImage image() {
            List<PushableImage.Blob> blobs = new ArrayList<>();
            PushableImage.referenced(manifest).forEach((digest, size) -> blobs.add(new PushableImage.Blob(digest, size, null, repositories)));
            return new PushableImage(manifest, mediaType, blobs);
        }
    }

    private final LineStore store;

    /** @param store the directory (made on first write, mode 0700), or null to remember nothing */
    public PushedImages(Path store) {
        this.store = new LineStore(store);
    }

    /** The store beside the layer store {@code layerStore} ({@link KnownLayers#defaultStore}): {@code …/imagetree/images}. */
    public static Path besideLayerStore(Path layerStore) {
        return layerStore == null ? null : layerStore.resolveSibling("images");
    }

    /**
     * The last manifest pushed of {@code imageId} to {@code registry} that checks (see the class), with the
     * repositories it went to.
     *
     * @param layers how many layers the local image has
     */
    public Optional<Pushed> find(String registry, String imageId, int layers) {
        List<String> lines = store.read(imageId);
        Map<String, Pushed> byDigest = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length < 3 || !f[1].equals(registry)) continue;
            if (f[0].equals("gone") && f.length == 3) {
                byDigest.remove(f[2]);
            } else if (f[0].equals("pushed") && f.length == 6 && Digests.isSha256(f[3])) {
                Pushed earlier = byDigest.remove(f[3]);
                List<String> repositories = new ArrayList<>(earlier == null ? List.of() : earlier.repositories());
                repositories.remove(f[2]);
                repositories.add(0, f[2]); // the latest first
                byte[] manifest;
                try {
                    manifest = Base64.getDecoder().decode(f[5]);
                } catch (IllegalArgumentException cut) {
                    continue; // a line cut short by a crash
                }
                if (manifest.length > MAX_MANIFEST || !Digests.sha256(manifest).equals(f[3]) || !describes(manifest, imageId, layers)) continue;
                byDigest.put(f[3], new Pushed(registry, repositories, f[4], manifest, f[3]));
            }
        }
        return byDigest.values().stream().reduce((a, b) -> b);
    }

    /** Records that {@code repository} of {@code registry} serves {@code manifest} (digest {@code digest}) for {@code imageId}. */
    public void remember(String registry, String repository, String imageId, String mediaType, byte[] manifest, String digest) {
        if (registry.contains("\t") || repository.contains("\t") || mediaType.contains("\t")) return;
        store.append(imageId, "pushed\t" + registry + "\t" + repository + "\t" + digest + "\t" + mediaType + "\t"
                + Base64.getEncoder().encodeToString(manifest));
    }

    /** Forgets a manifest of {@code imageId} the registry could not be given again (its blobs are gone). */
    public void forget(String registry, String imageId, String digest) {
        store.append(imageId, "gone\t" + registry + "\t" + digest);
    }

    private static boolean describes(byte[] manifest, String imageId, int layers) {
        try {
            JsonNode m = JSON.readTree(manifest);
            return m.path("config").path("digest").asText().equals(imageId) && m.path("layers").size() == layers;
        } catch (IOException e) {
            return false;
        }
    }
}
