package org.imagetree.registry;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Layer compression as registries store layers: gzip, deterministic (no file name, modification time 0, level 6),
 * so the same tar always gives the same blob and digest, on every run and machine with the same deflate: a layer
 * compressed again after an interrupted push is the blob the registry already has. While writing, the digests of
 * both forms are computed: the blob's ({@code digest}) and the tar's ({@code diff_id}).
 */
public final class GzipLayers {
    private GzipLayers() {}

    /** A compressed layer: the blob's digest and size, the uncompressed tar's digest. */
    public record Compressed(String digest, long size, String diffId) {}

    /** Compresses {@code tar} (read to its end, not closed) into {@code out}. */
    public static Compressed compress(InputStream tar, Path out) throws IOException {
        MessageDigest diff = sha256();
        MessageDigest gz = sha256();
        long size;
        try (CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(Files.newOutputStream(out), gz));
             OutputStream zip = new DigestOutputStream(new FixedGzipOutputStream(counted), diff)) {
            tar.transferTo(zip);
            zip.close();
            size = counted.count;
        }
        return new Compressed("sha256:" + HexFormat.of().formatHex(gz.digest()), size, "sha256:" + HexFormat.of().formatHex(diff.digest()));
    }

    /** Compresses the file {@code tar} into {@code out}. */
    public static Compressed compress(Path tar, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return compress(in, out);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Java's gzip header already has no name and mtime 0; this fixes the level (6: on a bookworm rootfs, 0.4 % larger
     * than 9 in a third of the time) so the output depends only on the input and the deflate implementation.
     */
    private static final class FixedGzipOutputStream extends GZIPOutputStream {
        FixedGzipOutputStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(6);
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) { super(out); }

        @Override public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
