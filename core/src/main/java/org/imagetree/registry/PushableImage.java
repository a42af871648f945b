package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An image ready to push: its manifest (the exact bytes, whose sha256 is the digest the registry must answer) and
 * every blob the manifest names. A blob comes with its bytes ({@link BlobContent}), or without them when it is known
 * to be in the registry already, in the repositories {@link Blob#mountFrom()} names (a base image's layers).
 *
 * <p>Checked when made: the manifest is JSON naming a config and layers, and the blobs are exactly those, with the
 * sizes the manifest gives.
 */
public record PushableImage(byte[] manifest, String mediaType, List<Blob> blobs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One blob of the image.
     *
     * @param content   its bytes, or null when it is in the registry already (then {@code mountFrom} names where)
     * @param mountFrom repositories of the target registry said to hold it, to mount from instead of uploading
     */
    public record Blob(String digest, long size, BlobContent content, List<String> mountFrom) {
        public Blob {
            Digests.requireDigest(digest);
            mountFrom = List.copyOf(mountFrom);
            if (content != null && (!content.digest().equals(digest) || content.size() != size)) {
                throw new IllegalArgumentException("blob " + digest + " (" + size + " bytes) given the content of " + content);
            }
            if (content == null && mountFrom.isEmpty()) throw new IllegalArgumentException("blob " + digest + " has no content and no source");
        }

        /** A blob to upload (or to find in the registry). */
        public static Blob of(BlobContent content, List<String> mountFrom) {
            return new Blob(content.digest(), content.size(), content, mountFrom);
        }
    }

    public PushableImage {
        manifest = manifest.clone();
        Objects.requireNonNull(mediaType);
        blobs = List.copyOf(blobs);
        Map<String, Long> named = referenced(manifest);
        Map<String, Long> given = new HashMap<>();
        for (Blob b : blobs) given.put(b.digest(), b.size());
        if (!named.equals(given)) {
            throw new IllegalArgumentException("the manifest names blobs " + named + " but the image has " + given);
        }
    }

    @Override public byte[] manifest() { return manifest.clone(); }

    /** The manifest's digest: what the registry must answer for every tag it is pushed under. */
    public String digest() { return Digests.sha256(manifest); }

    /** Digest and size of the config and every layer the manifest names (each digest once). */
    static Map<String, Long> referenced(byte[] manifest) {
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new IllegalArgumentException("the manifest is not JSON: " + e.getMessage(), e);
        }
        List<JsonNode> descriptors = new ArrayList<>();
        if (!root.path("config").isObject()) throw new IllegalArgumentException("the manifest names no config");
        descriptors.add(root.get("config"));
        root.path("layers").forEach(descriptors::add);
        Map<String, Long> out = new HashMap<>();
        for (JsonNode d : descriptors) {
            String digest = d.path("digest").asText("");
            if (!Digests.isDigest(digest) || !d.path("size").canConvertToLong()) {
                throw new IllegalArgumentException("the manifest has a descriptor without digest or size: " + d);
            }
            Long before = out.put(digest, d.get("size").asLong());
            if (before != null && before != d.get("size").asLong()) {
                throw new IllegalArgumentException("the manifest gives " + digest + " two sizes");
            }
        }
        return out;
    }

    /** The distinct layer digests, in manifest order. */
    public Set<String> layerDigests() {
        Set<String> out = new LinkedHashSet<>();
        try {
            JSON.readTree(manifest).path("layers").forEach(l -> out.add(l.path("digest").asText()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public String toString() { return "PushableImage[" + mediaType + ", " + digest() + ", " + blobs.size() + " blobs]"; }
}
