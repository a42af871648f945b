package org.imagetree.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The bytes of a blob to upload, with the digest and size they must have: readable from any offset, as often as an
 * upload needs (a resumed upload reads from where the registry says it stopped, a restarted one from the start).
 */
public abstract class BlobContent {
    private final String digest;
    private final long size;

    private BlobContent(String digest, long size) {
        Digests.requireDigest(digest);
        if (size < 0) throw new IllegalArgumentException("negative blob size");
        this.digest = digest;
        this.size = size;
    }

    public final String digest() { return digest; }

    public final long size() { return size; }

    /** The bytes from {@code offset} to the end. */
    public abstract InputStream open(long offset) throws IOException;

    /** Bytes in memory (configs, small files); their digest is computed here. */
    public static BlobContent of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BlobContent(Digests.sha256(copy), copy.length) {
            @Override public InputStream open(long offset) {
                return new ByteArrayInputStream(copy, (int) Math.min(offset, copy.length), (int) Math.max(0, copy.length - offset));
            }

            @Override public String toString() { return "BlobContent[" + digest() + ", " + size() + " bytes in memory]"; }
        };
    }

    /**
     * A file said to have {@code digest} and {@code size} (the caller computed them while writing it). The registry
     * checks the digest of what it receives; a file that changed fails the upload there.
     */
    public static BlobContent of(Path file, String digest, long size) {
        Objects.requireNonNull(file);
        return new BlobContent(digest, size) {
            @Override public InputStream open(long offset) throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                try {
                    ch.position(offset);
                    return Channels.newInputStream(ch);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
            }

            @Override public String toString() { return "BlobContent[" + digest() + ", " + size() + " bytes in " + file + "]"; }
        };
    }

    /** A file whose digest and size are computed now (one read). */
    public static BlobContent of(Path file) throws IOException {
        return of(file, Digests.sha256(file), Files.size(file));
    }
}
