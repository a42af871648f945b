package org.imagetree.registry;

import org.imagetree.config.ReadLimits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A blob's bytes as they stream from a registry, hashed on the way: {@link #finish()} reads whatever the reader left
 * (without keeping it) and checks that the whole blob has the digest it was asked by and the size its descriptor
 * declares. A reader that stops early therefore never gets an answer from bytes that were not verified. Bytes past the
 * declared size, or past {@code maxBytes}, end the read at once (an endless body never gets far).
 *
 * <p>Digests are {@code sha256:} or {@code sha512:} (the algorithms the OCI image spec registers); any other algorithm
 * cannot be verified and is refused.
 */
public final class VerifiedBlobStream extends FilterInputStream {
    private final String digest;
    private final String what;
    private final long declaredSize;
    private final long maxBytes;
    private final String maxKey;
    private final MessageDigest md;
    private long count;
    private boolean finished;

    /**
     * @param what         the blob for messages, e.g. {@code "127.0.0.1:5000: blob sha256:… of app"}
     * @param declaredSize the size its descriptor gives, or -1
     * @param maxBytes     a bound on top of the declared size
     * @param maxKey       the configuration key of that bound
     * @throws BlobMismatch when the digest's algorithm cannot be verified
     */
    public VerifiedBlobStream(InputStream in, String digest, String what, long declaredSize, long maxBytes, String maxKey) throws BlobMismatch {
        super(in);
        this.digest = digest;
        this.what = what;
        this.declaredSize = declaredSize;
        this.maxBytes = maxBytes;
        this.maxKey = maxKey;
        this.md = newDigest(digest, what);
    }

    /** A message digest for a digest's algorithm ({@code sha256}, {@code sha512}). */
    static MessageDigest newDigest(String digest, String what) throws BlobMismatch {
        int colon = digest == null ? -1 : digest.indexOf(':');
        String algorithm = colon < 0 ? "" : digest.substring(0, colon);
        String name = switch (algorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> null;
        };
        if (name == null) throw new BlobMismatch(what + ": digest algorithm '" + algorithm + "' cannot be verified (sha256 or sha512 only)");
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digest of {@code bytes} in the algorithm of {@code like} ({@code sha256:…} or {@code sha512:…}). */
    public static String digestOf(byte[] bytes, String like, String what) throws BlobMismatch {
        MessageDigest md = newDigest(like, what);
        return like.substring(0, like.indexOf(':') + 1) + HexFormat.of().formatHex(md.digest(bytes));
    }

    /** Bytes read so far (by the reader and by {@link #finish()}). */
    public long count() { return count; }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            md.update((byte) b);
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            md.update(b, off, n);
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 0))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() { return false; }

    private void counted(int n) throws IOException {
        count += n;
        if (declaredSize >= 0 && count > declaredSize) {
            throw new BlobMismatch(what + " is longer than the " + declaredSize + " bytes its descriptor declares");
        }
        if (count > maxBytes) throw new ReadLimitExceeded(what + " is " + ReadLimits.exceeded(maxBytes, maxKey), maxKey);
    }

    /**
     * Reads the rest of the blob and checks it.
     *
     * @throws BlobMismatch when its digest or size is not the one asked for
     */
    public void finish() throws IOException {
        if (finished) return;
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // hashed by read
        }
        finished = true;
        String actual = digest.substring(0, digest.indexOf(':') + 1) + HexFormat.of().formatHex(md.digest());
        if (!actual.equals(digest)) {
            throw new BlobMismatch(what + ": the bytes served have digest " + actual
                    + ": they are not the blob asked for (the registry, a mirror or a proxy changed them)");
        }
        if (declaredSize >= 0 && count != declaredSize) {
            throw new BlobMismatch(what + " has " + count + " bytes, its descriptor declares " + declaredSize);
        }
    }

    /** The bytes are not the blob asked for: another digest, another size, or an algorithm that cannot be checked. */
    public static final class BlobMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        public BlobMismatch(String message) { super(message); }
    }
}
