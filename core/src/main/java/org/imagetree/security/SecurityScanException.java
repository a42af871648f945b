package org.imagetree.security;

/**
 * A scan cannot give a true answer: an APT index that cannot be fetched, an {@code InRelease} whose signature is bad or
 * not from the keyring, an index whose checksum does not match, an image that cannot be read. Never skipped silently.
 */
public final class SecurityScanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecurityScanException(String message) { super(message); }

    public SecurityScanException(String message, Throwable cause) { super(message, cause); }
}
