package org.imagetree.security;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A streaming reader of image layer tars that sees what the engine unpacks, with every allocation bounded. It reads
 * the entries as Go's {@code archive/tar} does (dockerd and containerd unpack layers with it; see
 * golang/go {@code src/archive/tar/reader.go}): V7, USTAR (name prefix), GNU (long names {@code L}/{@code K}, old sparse
 * {@code S}) and PAX ({@code x}: {@code path}, {@code linkpath}, {@code size}, GNU sparse keys) headers; a global PAX
 * header ({@code g}) is not applied to later entries; header-only types (hardlink, symlink, devices, directory, FIFO)
 * carry no data whatever their size field says (a reader that skipped that many bytes would see other entries than
 * the engine does); an archive ends at two zero blocks; a header with a bad checksum is an error.
 *
 * <p>Metadata records — a GNU long name or link, a PAX header — are read into memory up to {@value #MAX_META} bytes (Go's
 * own bound); longer ones are an error, as they are for the engine. Entry data is never read into memory here: the
 * caller reads what it wants of {@link #content()}, and {@link #next()} skips the rest.
 */
final class TarReader {
    /** Go's {@code maxSpecialFileSize}: the most a GNU long name/link or PAX header may hold. */
    static final int MAX_META = 1 << 20;
    private static final int BLOCK = 512;

    /** Entry types as in the header's typeflag. */
    static final char REGULAR = '0';
    static final char HARDLINK = '1';
    static final char SYMLINK = '2';
    static final char DIRECTORY = '5';

    /**
     * One entry: a file, directory, link or device; never a metadata record.
     *
     * @param name     the name as written (normalise with {@link ImagePath#normalise})
     * @param type     the typeflag ({@link #REGULAR} for {@code '0'}, {@code '\0'}, {@code '7'}; others as written)
     * @param linkName the hardlink or symlink target, "" for other types
     * @param size     bytes of data ({@link #content()}); 0 for header-only types
     * @param sparse   whether the data is a sparse file's (not its logical content)
     * @param index    position among the archive's entries, from 0
     */
    record Entry(String name, char type, String linkName, long size, boolean sparse, int index) {
        boolean isRegular() { return type == REGULAR; }
        boolean isDirectory() { return type == DIRECTORY; }
        boolean isSymlink() { return type == SYMLINK; }
        boolean isHardlink() { return type == HARDLINK; }
    }

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;
    private int entries;
    private boolean done;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        if (done) return null;
        skip(remaining + padding);
        remaining = padding = 0;
        Map<String, String> pax = new HashMap<>();
        while (true) {
            if (!readBlock(header, true)) return end();
            if (isZero(header)) {
                if (!readBlock(header, true) || isZero(header)) return end();
                throw new IOException("tar: a zero block followed by a header (not an archive end)");
            }
            checkChecksum();
            boolean ustar = matches(257, "ustar\0") && matches(263, "00");
            boolean gnu = matches(257, "ustar ") && matches(263, " \0");
            char type = (char) (header[156] & 0xff);
            String name = string(0, 100);
            if (ustar) {
                String prefix = string(345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
            }
            String link = string(157, 100);
            long size = number(124, 12);
            if (size < 0) throw new IOException("tar: negative size in the header of '" + name + "'");
            boolean headerOnly = type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
            remaining = headerOnly ? 0 : size;
            padding = -remaining & (BLOCK - 1);
            switch (type) {
                case 'x' -> {
                    pax.putAll(paxRecords(meta()));
                    continue;
                }
                case 'g' -> { // global records: Go returns them as an entry of their own, which the engine ignores
                    meta();
                    continue;
                }
                case 'L' -> {
                    pax.put("path", cString(meta()));
                    continue;
                }
                case 'K' -> {
                    pax.put("linkpath", cString(meta()));
                    continue;
                }
                default -> { }
            }
            if (pax.containsKey("path")) name = pax.get("path");
            if (pax.containsKey("linkpath")) link = pax.get("linkpath");
            if (pax.containsKey("size")) {
                try {
                    size = Long.parseLong(pax.get("size"));
                } catch (NumberFormatException e) {
                    throw new IOException("tar: PAX size '" + pax.get("size") + "' of '" + name + "' is not a number");
                }
                if (size < 0) throw new IOException("tar: negative PAX size of '" + name + "'");
                remaining = headerOnly ? 0 : size;
                padding = -remaining & (BLOCK - 1);
            }
            boolean sparse = type == 'S' || pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse."));
            if (type == 'S' && (header[482] & 0xff) != 0) { // old GNU sparse: extension blocks come before the data
                byte[] ext = new byte[BLOCK];
                do {
                    if (!readBlock(ext, false)) throw new EOFException("tar: archive ends in a sparse header");
                } while ((ext[504] & 0xff) != 0);
            }
            if (pax.containsKey("GNU.sparse.name")) name = pax.get("GNU.sparse.name");
            if (type == '\0' || type == '7' || type == 'S') type = name.endsWith("/") && type == '\0' ? DIRECTORY : REGULAR;
            return new Entry(name, type, link, remaining, sparse, entries++);
        }
    }

    /** The current entry's data (its remaining bytes); reading past them returns -1. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) return -1;
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException("tar: archive ends inside an entry's data");
                remaining -= n;
                return n;
            }
        };
    }

    private Entry end() {
        done = true;
        return null;
    }

    private byte[] meta() throws IOException {
        if (remaining > MAX_META) throw new IOException("tar: a metadata record (long name, PAX header) of " + remaining
                + " bytes, more than the " + MAX_META + " the engine reads");
        byte[] data = in.readNBytes((int) remaining);
        if (data.length < remaining) throw new EOFException("tar: archive ends inside a metadata record");
        skip(padding);
        remaining = padding = 0;
        return data;
    }

    /** PAX records {@code "%d %s=%s\n"}; an empty value deletes the key (as for Go). */
    static Map<String, String> paxRecords(byte[] data) throws IOException {
        Map<String, String> out = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] >= '0' && data[space] <= '9') space++;
            if (space == pos || space >= data.length || data[space] != ' ' || space - pos > 9) throw new IOException("tar: invalid PAX record");
            int length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            int end = pos + length;
            if (length <= space - pos + 1 || end > data.length || data[end - 1] != '\n') throw new IOException("tar: invalid PAX record length");
            String record = new String(data, space + 1, end - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) throw new IOException("tar: PAX record without '='");
            String key = record.substring(0, eq);
            String value = record.substring(eq + 1);
            if ((key.equals("path") || key.equals("linkpath")) && value.indexOf('\0') >= 0) throw new IOException("tar: NUL in a PAX " + key);
            if (value.isEmpty()) out.remove(key);
            else out.put(key, value);
            pos = end;
        }
        return out;
    }

    private void checkChecksum() throws IOException {
        long stored = number(148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) throw new IOException("tar: header checksum mismatch (not a tar archive, or a corrupt one)");
    }

    private boolean matches(int offset, String s) {
        for (int i = 0; i < s.length(); i++) if (header[offset + i] != (byte) s.charAt(i)) return false;
        return true;
    }

    /** A NUL-terminated field. */
    private String string(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) end++;
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) end++;
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** An octal field (spaces and NULs around it), or base-256 when its first byte has the high bit. */
    private long number(int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            if ((header[offset] & 0x40) != 0) return -1; // negative
            long v = header[offset] & 0x3f;
            for (int i = 1; i < length; i++) {
                if (v > (Long.MAX_VALUE >> 8)) throw new IOException("tar: numeric field overflows");
                v = (v << 8) | (header[offset + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0) break;
            if (b == ' ') {
                if (digits) break;
                continue;
            }
            if (b < '0' || b > '7') throw new IOException("tar: invalid octal number in a header");
            if (v > (Long.MAX_VALUE >> 3)) throw new IOException("tar: numeric field overflows");
            v = v * 8 + (b - '0');
            digits = true;
        }
        return v;
    }

    /** Reads one block; false at a clean end of input when {@code endOk}. */
    private boolean readBlock(byte[] block, boolean endOk) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0 && endOk) return false;
        if (n < BLOCK) throw new EOFException("tar: archive ends inside a header");
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private void skip(long n) throws IOException {
        byte[] buf = null;
        while (n > 0) {
            long s = in.skip(n);
            if (s > 0) {
                n -= s;
                continue;
            }
            if (buf == null) buf = new byte[8192];
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new EOFException("tar: archive ends inside an entry's data");
            n -= r;
        }
    }

    @Override
    public String toString() { return "TarReader[" + entries + " entries" + (done ? ", done" : "") + "]"; }
}
