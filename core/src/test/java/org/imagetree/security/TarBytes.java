package org.imagetree.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Tar archives written header by header, including what well-behaved writers never produce (a symlink whose header
 * claims data, PAX records, GNU long names, duplicate and non-canonical names): the inputs an attacker controls.
 */
final class TarBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static TarBytes tar() { return new TarBytes(); }

    TarBytes file(String name, String content) { return file(name, content.getBytes(StandardCharsets.UTF_8)); }

    TarBytes file(String name, byte[] content) {
        header(name, '0', content.length, "", true);
        data(content);
        return this;
    }

    TarBytes dir(String name) { return entry(name, '5', 0, ""); }

    TarBytes symlink(String name, String target) { return entry(name, '2', 0, target); }

    TarBytes hardlink(String name, String target) { return entry(name, '1', 0, target); }

    TarBytes whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
    }

    TarBytes opaque(String dir) { return file(dir + "/.wh..wh..opq", ""); }

    /** A header of any type and claimed size, without data. */
    TarBytes entry(String name, char type, long size, String link) {
        header(name, type, size, link, true);
        return this;
    }

    /** A PAX extended header ({@code x}) with these records for the next entry. */
    TarBytes pax(String... keyValues) {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            String body = " " + keyValues[i] + "=" + keyValues[i + 1] + "\n";
            int len = body.getBytes(StandardCharsets.UTF_8).length;
            int total = len + String.valueOf(len).length();
            if (String.valueOf(total).length() != String.valueOf(len).length()) total++;
            records.append(total).append(body);
        }
        byte[] data = records.toString().getBytes(StandardCharsets.UTF_8);
        header("PaxHeader", 'x', data.length, "", true);
        data(data);
        return this;
    }

    /** A GNU long name ({@code L}) for the next entry. */
    TarBytes longName(String name) {
        byte[] data = (name + "\0").getBytes(StandardCharsets.UTF_8);
        header("././@LongLink", 'L', data.length, "", true);
        data(data);
        return this;
    }

    /** Raw bytes (data of an entry whose header claimed it, or garbage). */
    TarBytes data(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
        return this;
    }

    /** A header whose checksum is wrong. */
    TarBytes corruptHeader(String name) {
        header(name, '0', 0, "", false);
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    private void header(String name, char type, long size, String link, boolean goodChecksum) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, "00000000000", 12);
        h[156] = (byte) type;
        put(h, 157, link, 100);
        put(h, 257, "ustar", 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        if (!goodChecksum) sum += 7;
        put(h, 148, String.format("%06o", sum), 7);
        h[154] = 0;
        out.writeBytes(h);
    }

    private static void put(byte[] h, int offset, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) throw new IllegalArgumentException("'" + s + "' does not fit in " + max + " bytes (use longName or pax)");
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
