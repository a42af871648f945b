package org.imagetree.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests ({@code sha256:<64 hex>}) as used by registries. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ANY = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

    private Digests() {}

    public static String sha256(byte[] content) {
        MessageDigest md = newSha256();
        md.update(content);
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(Path file) {
        MessageDigest md = newSha256();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static boolean isSha256(String digest) { return digest != null && SHA256.matcher(digest).matches(); }

    /** Whether the string has the grammar of a digest ({@code algorithm:encoded}). */
    public static boolean isDigest(String digest) { return digest != null && ANY.matcher(digest).matches(); }

    static void requireDigest(String digest) {
        if (!isDigest(digest)) throw new IllegalArgumentException("not a digest: '" + digest + "'");
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
