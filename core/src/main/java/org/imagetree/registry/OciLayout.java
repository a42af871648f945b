package org.imagetree.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.InputError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI image layout directory (image-spec {@code image-layout.md}): {@code oci-layout}, {@code index.json} and the
 * content-addressed {@code blobs/<algorithm>/<encoded>}, holding one image. {@link #write} makes one (the base-image
 * builder's output, as debuerreotype's artifacts have {@code oci/index.json} and {@code oci/blobs}); {@link #read}
 * turns one into a {@link PushableImage}, every blob checked against its digest and size first.
 */
public final class OciLayout {
    public static final String LAYOUT_FILE = "oci-layout";
    public static final String INDEX_FILE = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciLayout() {}

    /** A blob to write: in memory, or a file moved into the layout. */
    public record Blob(String digest, byte[] bytes, Path file) {
        public static Blob of(byte[] bytes) { return new Blob(Digests.sha256(bytes), bytes.clone(), null); }

        public static Blob file(String digest, Path file) { return new Blob(digest, null, file); }
    }

    /**
     * Writes a layout holding one image into {@code dir} (made if needed): its blobs (files are moved in), the manifest
     * as a blob, {@code index.json} naming it, {@code oci-layout}.
     */
    public static Path write(Path dir, byte[] manifest, String mediaType, List<Blob> blobs) throws IOException {
        Path sha = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
        for (Blob b : blobs) {
            Path target = blobPath(dir, b.digest());
            if (b.file() != null) {
                Files.move(b.file(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.write(target, b.bytes());
            }
        }
        String manifestDigest = Digests.sha256(manifest);
        Files.write(sha.resolve(encoded(manifestDigest)), manifest);
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", manifestDigest);
        descriptor.put("size", manifest.length);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", List.of(descriptor));
        Files.write(dir.resolve(INDEX_FILE), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve(LAYOUT_FILE), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        return dir;
    }

    /**
     * The image of the layout at {@code dir}: its one manifest (by {@code index.json}), whose bytes, config and layers
     * are all present with the digest and size the descriptors give.
     *
     * @throws InputError naming the file and the problem: not a layout, not one image, a blob missing, of another
     *                    size, or with other bytes
     */
    public static PushableImage read(Path dir) {
        Path layoutFile = dir.resolve(LAYOUT_FILE);
        JsonNode layout = json(layoutFile);
        if (!layout.path("imageLayoutVersion").asText().startsWith("1.")) {
            throw new InputError(layoutFile, 0, "not an OCI image layout 1.x (imageLayoutVersion " + layout.path("imageLayoutVersion") + ")");
        }
        Path indexFile = dir.resolve(INDEX_FILE);
        JsonNode manifests = json(indexFile).path("manifests");
        if (manifests.size() != 1) throw new InputError(indexFile, 0, "holds " + manifests.size() + " manifests; one image is pushed at a time");
        JsonNode d = manifests.get(0);
        String mediaType = d.path("mediaType").asText();
        if (!mediaType.equals(MediaTypes.OCI_MANIFEST) && !mediaType.equals(MediaTypes.DOCKER_MANIFEST)) {
            throw new InputError(indexFile, 0, "names a " + mediaType + ", not an image manifest");
        }
        Path manifestFile = verified(dir, indexFile, d);
        byte[] manifest;
        JsonNode m;
        try {
            manifest = Files.readAllBytes(manifestFile);
            m = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new InputError(manifestFile, 0, "cannot read the manifest: " + e.getMessage(), e);
        }
        List<JsonNode> descriptors = new ArrayList<>();
        descriptors.add(m.path("config"));
        m.path("layers").forEach(descriptors::add);
        Map<String, PushableImage.Blob> blobs = new LinkedHashMap<>();
        for (JsonNode b : descriptors) {
            String digest = b.path("digest").asText();
            if (blobs.containsKey(digest)) continue;
            Path file = verified(dir, manifestFile, b);
            blobs.put(digest, PushableImage.Blob.of(BlobContent.of(file, digest, b.path("size").asLong()), List.of()));
        }
        try {
            return new PushableImage(manifest, mediaType, List.copyOf(blobs.values()));
        } catch (IllegalArgumentException e) {
            throw new InputError(manifestFile, 0, e.getMessage(), e);
        }
    }

    /** The blob a descriptor of {@code from} names, checked: a regular file of its size and digest. */
    private static Path verified(Path dir, Path from, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        if (!Digests.isSha256(digest)) throw new InputError(from, 0, "names a blob by '" + digest + "', not a sha256 digest");
        if (!descriptor.path("size").canConvertToLong()) throw new InputError(from, 0, "gives no size for " + digest);
        Path file = blobPath(dir, digest);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new InputError(file, 0, "missing (named by " + from.getFileName() + ")");
            long size = Files.size(file);
            if (size != descriptor.get("size").asLong()) {
                throw new InputError(file, 0, "has " + size + " bytes, " + from.getFileName() + " says " + descriptor.get("size").asLong());
            }
        } catch (IOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getMessage(), e);
        }
        String actual;
        try {
            actual = Digests.sha256(file);
        } catch (java.io.UncheckedIOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getCause().getMessage(), e);
        }
        if (!actual.equals(digest)) throw new InputError(file, 0, "has digest " + actual + ", not " + digest);
        return file;
    }

    private static Path blobPath(Path dir, String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(encoded(digest));
    }

    private static String encoded(String digest) {
        if (!Digests.isSha256(digest)) throw new IllegalArgumentException("not a sha256 digest: " + digest);
        return digest.substring("sha256:".length());
    }

    private static JsonNode json(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputError(file, 0, "missing: not an OCI image layout", e);
        } catch (IOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getMessage(), e);
        }
    }
}
