package org.imagetree.registry;

import java.util.Objects;

/**
 * What a registry says about a manifest without sending it (the answer to a {@code HEAD}).
 *
 * @param digest    content digest, e.g. {@code sha256:…}
 * @param mediaType the manifest media type the registry chose from our {@code Accept} list
 * @param size      size in bytes, or -1 when the registry did not say
 */
public record ManifestDescriptor(String digest, String mediaType, long size) {
    public ManifestDescriptor {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
    }
}
