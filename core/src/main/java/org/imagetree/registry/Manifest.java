package org.imagetree.registry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest as the registry served it: the exact bytes (the digest is of these bytes), their media type and digest.
 * Immutable: the byte array is copied in and out.
 */
public record Manifest(byte[] content, String mediaType, String digest) {
    public Manifest {
        content = Objects.requireNonNull(content, "content").clone();
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
    }

    @Override
    public byte[] content() { return content.clone(); }

    public String contentAsString() { return new String(content, StandardCharsets.UTF_8); }

    public ManifestDescriptor descriptor() { return new ManifestDescriptor(digest, mediaType, content.length); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && Arrays.equals(content, m.content) && mediaType.equals(m.mediaType) && digest.equals(m.digest);
    }

    @Override
    public int hashCode() { return Objects.hash(Arrays.hashCode(content), mediaType, digest); }

    @Override
    public String toString() { return "Manifest[" + mediaType + ", " + digest + ", " + content.length + " bytes]"; }
}
