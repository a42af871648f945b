package org.imagetree.security;

import org.imagetree.read.DebianVersion;
import org.imagetree.report.SafeText;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * dpkg's database of installed packages: {@code var/lib/dpkg/status} (stanzas of {@code Field: value}, separated by
 * blank lines) or, in distroless-style images, one stanza per file under {@code var/lib/dpkg/status.d/}. Packages whose
 * {@code Status} says {@code installed} (or {@code triggers-pending}/{@code -awaited}: configured) count; a stanza without
 * {@code Status}, as status.d holds, counts.
 *
 * <p>Parsed as a stream, and as strictly as dpkg parses it: a control character, a line that is not
 * {@code Field: value} or a continuation, a duplicate field, a stanza without {@code Package}, an installed package
 * without a valid {@code Version} make the file {@link Invalid} — never an empty database. Only the three fields that
 * matter are kept (each at most {@value #MAX_VALUE} bytes); the rest of a line, however long, is skipped as it streams.
 */
final class DpkgStatus {
    static final int MAX_VALUE = 1024;
    private static final int MAX_FIELD = 256;
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+.~_-]{0,255}");
    private static final Set<String> CONFIGURED = Set.of("installed", "triggers-pending", "triggers-awaited");

    private DpkgStatus() {}

    /** The file is not a dpkg database; the message says where and why. */
    static final class Invalid extends IOException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) { super(message); }
    }

    /**
     * Parses one file of stanzas.
     *
     * @throws Invalid when it is not what dpkg would read
     */
    static Database parse(InputStream in) throws IOException {
        return new Parser(in).run();
    }

    static Database parse(String text) throws IOException {
        return parse(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code KEY=value} lines of os-release, quotes removed. */
    static Map<String, String> osRelease(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) v = v.substring(1, v.length() - 1);
            m.put(line.substring(0, eq).strip(), v);
        }
        return m;
    }

    private static final class Parser {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private int line;
        private final Database.Builder out = new Database.Builder();
        // the stanza being read
        private final Set<String> fields = new HashSet<>();
        private String pkg;
        private String version;
        private String status;
        private int stanzaLine;

        Parser(InputStream in) { this.in = in; }

        Database run() throws IOException {
            boolean inField = false;
            while (true) {
                int b = peek();
                if (b < 0) break;
                line++;
                if (b == ' ' || b == '\t') {
                    while ((b = peek()) == ' ' || b == '\t') pos++;
                    if (b >= 0 && b != '\n') { // a continuation of the field before
                        if (!inField) throw invalid("a continuation line outside a field");
                        skipLine();
                        continue;
                    }
                }
                if (b < 0 || b == '\n') { // blank: the end of a stanza
                    if (b == '\n') pos++;
                    endStanza();
                    inField = false;
                    continue;
                }
                readField();
                inField = true;
            }
            endStanza();
            return out.build();
        }

        private void readField() throws IOException {
            StringBuilder name = new StringBuilder();
            while (true) {
                int b = next();
                if (b < 0 || b == '\n') throw invalid("'" + SafeText.escape(name.toString()) + "' is not 'Field: value'");
                if (b == ':') break;
                if (b <= 0x20 || b >= 0x7f) throw invalid("a field name with a " + (b == ' ' ? "space" : "control or non-ASCII character"));
                if (name.length() >= MAX_FIELD) throw invalid("a field name longer than " + MAX_FIELD + " characters");
                name.append((char) b);
            }
            String field = name.toString();
            if (field.isEmpty() || field.startsWith("-") || field.startsWith("#")) throw invalid("'" + SafeText.escape(field) + "' is not a field name");
            if (fields.isEmpty()) stanzaLine = line;
            if (!fields.add(field.toLowerCase(java.util.Locale.ROOT))) throw invalid("a second '" + field + "' field in one stanza");
            boolean keep = field.equalsIgnoreCase("Package") || field.equalsIgnoreCase("Version") || field.equalsIgnoreCase("Status");
            String value = keep ? readValue(field) : null;
            if (!keep) skipLine();
            if (field.equalsIgnoreCase("Package")) pkg = value;
            else if (field.equalsIgnoreCase("Version")) version = value;
            else if (field.equalsIgnoreCase("Status")) status = value;
        }

        private String readValue(String field) throws IOException {
            byte[] v = new byte[MAX_VALUE];
            int n = 0;
            while (true) {
                int b = next();
                if (b < 0 || b == '\n') break;
                check(b);
                if (n >= MAX_VALUE) throw invalid("its " + field + " value is longer than " + MAX_VALUE + " bytes");
                v[n++] = (byte) b;
            }
            return new String(v, 0, n, StandardCharsets.UTF_8).strip();
        }

        private void skipLine() throws IOException {
            while (true) {
                if (pos >= limit && !more()) return;
                for (int i = pos; i < limit; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        pos = i + 1;
                        return;
                    }
                    check(b & 0xff);
                }
                pos = limit;
            }
        }

        private void check(int b) throws Invalid {
            if ((b < 0x20 && b != '\t') || b == 0x7f) throw invalid(String.format("a control character (\\x%02x): not a text file", b));
        }

        private void endStanza() throws IOException {
            if (fields.isEmpty()) return;
            if (pkg == null) throw invalid(stanzaLine, "a stanza without a Package field");
            if (!PACKAGE.matcher(pkg).matches()) throw invalid(stanzaLine, "package name '" + SafeText.escape(pkg) + "' is not valid");
            boolean configured = true;
            if (status != null) {
                String[] words = status.split("\\s+");
                if (words.length != 3) throw invalid(stanzaLine, "package " + pkg + " has a Status of " + words.length + " words, not 3");
                configured = CONFIGURED.contains(words[2]);
            }
            if (configured) {
                if (version == null) throw invalid(stanzaLine, "package " + pkg + " is installed but has no Version");
                try {
                    DebianVersion.parse(version);
                } catch (IllegalArgumentException e) {
                    throw invalid(stanzaLine, "package " + pkg + " has an invalid Version '" + SafeText.escape(version) + "'");
                }
                out.add(pkg, version.strip());
            }
            fields.clear();
            pkg = version = status = null;
        }

        private Invalid invalid(String problem) { return invalid(line, problem); }

        private static Invalid invalid(int line, String problem) { return new Invalid("line " + line + ": " + problem); }

        private int peek() throws IOException {
            if (pos >= limit && !more()) return -1;
            return buf[pos] & 0xff;
        }

        private int next() throws IOException {
            if (pos >= limit && !more()) return -1;
            return buf[pos++] & 0xff;
        }

        /** Refills the (consumed) buffer; false at the end of the input. */
        private boolean more() throws IOException {
            pos = limit = 0;
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) return false;
            limit = n;
            return true;
        }
    }

    /**
     * Installed packages (name → version) in little memory: one byte array of sorted {@code name\0version\0} pairs
     * (~25 bytes a package instead of ~150 for a map of strings; a status of a million one-line stanzas stays tens of
     * MiB). Immutable; lookups by binary search.
     */
    static final class Database extends AbstractMap<String, String> {
        static final Database EMPTY = new Database(new byte[0], new int[0]);
        private final byte[] data;
        private final int[] starts;

        private Database(byte[] data, int[] starts) {
            this.data = data;
            this.starts = starts;
        }

        /** Several files' packages together; a later file's version of a package wins. */
        static Database merge(Iterable<Database> parts) {
            Builder b = new Builder();
            for (Database d : parts) for (int i = 0; i < d.starts.length; i++) b.add(d.name(i), d.version(i));
            return b.build();
        }

        @Override
        public int size() { return starts.length; }

        @Override
        public String get(Object key) {
            if (!(key instanceof String s)) return null;
            int i = find(s.getBytes(StandardCharsets.UTF_8));
            return i < 0 ? null : version(i);
        }

        @Override
        public boolean containsKey(Object key) { return key instanceof String s && find(s.getBytes(StandardCharsets.UTF_8)) >= 0; }

        private int find(byte[] key) {
            int lo = 0;
            int hi = starts.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = compare(data, starts[mid], key);
                if (c < 0) lo = mid + 1;
                else if (c > 0) hi = mid - 1;
                else return mid;
            }
            return -1;
        }

        /** Compares the NUL-terminated name at {@code at} with {@code key}. */
        private static int compare(byte[] data, int at, byte[] key) {
            int i = 0;
            while (true) {
                int a = data[at + i] & 0xff;
                int b = i < key.length ? key[i] & 0xff : 0;
                if (a != b || a == 0) return a - b;
                i++;
            }
        }

        private String name(int i) {
            int end = starts[i];
            while (data[end] != 0) end++;
            return new String(data, starts[i], end - starts[i], StandardCharsets.UTF_8);
        }

        private String version(int i) {
            int at = starts[i];
            while (data[at] != 0) at++;
            int end = ++at;
            while (data[end] != 0) end++;
            return new String(data, at, end - at, StandardCharsets.UTF_8);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() { return starts.length; }

                @Override
                public Iterator<Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        int i;

                        @Override
                        public boolean hasNext() { return i < starts.length; }

                        @Override
                        public Entry<String, String> next() {
                            if (i >= starts.length) throw new NoSuchElementException();
                            Entry<String, String> e = Map.entry(name(i), version(i));
                            i++;
                            return e;
                        }
                    };
                }
            };
        }

        /** Collects pairs; {@link #build()} sorts them, the last pair of a name winning. */
        static final class Builder {
            private byte[] data = new byte[4096];
            private int length;
            private int[] starts = new int[64];
            private int count;

            void add(String name, String version) {
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                byte[] v = version.getBytes(StandardCharsets.UTF_8);
                int need = length + n.length + v.length + 2;
                if (need > data.length) data = Arrays.copyOf(data, Math.max(need, data.length * 2));
                if (count == starts.length) starts = Arrays.copyOf(starts, count * 2);
                starts[count++] = length;
                System.arraycopy(n, 0, data, length, n.length);
                length += n.length;
                data[length++] = 0;
                System.arraycopy(v, 0, data, length, v.length);
                length += v.length;
                data[length++] = 0;
            }

            Database build() {
                if (count == 0) return EMPTY;
                Integer[] order = new Integer[count];
                for (int i = 0; i < count; i++) order[i] = i;
                byte[] d = data;
                int[] s = starts;
                // Stable: for equal names the later pair stays later, and is the one kept.
                Arrays.sort(order, Comparator.comparing((Integer i) -> i, (x, y) -> compareAt(d, s[x], s[y])));
                byte[] outData = new byte[length];
                int[] outStarts = new int[count];
                int n = 0;
                int at = 0;
                for (int k = 0; k < count; k++) {
                    if (k + 1 < count && compareAt(d, s[order[k]], s[order[k + 1]]) == 0) continue;
                    int start = s[order[k]];
                    int end = start;
                    while (d[end] != 0) end++;
                    end++;
                    while (d[end] != 0) end++;
                    end++;
                    outStarts[n++] = at;
                    System.arraycopy(d, start, outData, at, end - start);
                    at += end - start;
                }
                return new Database(Arrays.copyOf(outData, at), Arrays.copyOf(outStarts, n));
            }

            private static int compareAt(byte[] d, int a, int b) {
                for (int i = 0; ; i++) {
                    int x = d[a + i] & 0xff;
                    int y = d[b + i] & 0xff;
                    if (x != y || x == 0) return x - y;
                }
            }
        }
    }
}
