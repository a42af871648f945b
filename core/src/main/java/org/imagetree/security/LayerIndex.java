package org.imagetree.security;

import org.imagetree.config.ReadLimits;
import org.imagetree.registry.ReadLimitExceeded;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * What one layer holds at the paths a {@link Query} asks about, read from the layer's whole tar in one pass (as the
 * engine unpacks it: names normalised by {@link ImagePath}, a later entry of a path replacing an earlier one): the entry
 * of each asked path and of its ancestors (a file, directory, symlink, hardlink or other), the children of asked
 * directories, the whiteouts and opaque markers that hide any of them in lower layers, and files' contents parsed for
 * their {@link Role} — never kept as bytes. {@link ImageFilesystem} combines the layers of an image.
 *
 * <p>Bounded: the layer's decompressed bytes ({@link ReadLimits#layerBytes()}); each file parsed, and the children of
 * each asked directory together counting 512 bytes of header each ({@link ReadLimits#statusBytes()}).
 */
final class LayerIndex {
    /** What a file's content is read as. */
    enum Role { STATUS, OS_RELEASE }

    /** A file's content for one role: the parsed value, or why it could not be. */
    sealed interface Content permits Parsed, Invalid {}

    record Parsed(Object value) implements Content {}

    record Invalid(String message) implements Content {}

    /** One path's entry in this layer. */
    sealed interface Node permits File, Dir, Symlink, Hardlink, Other {}

    /** A regular file, with its content per asked role (none when it was only of interest as an ancestor). */
    record File(Map<Role, Content> contents) implements Node {}

    record Dir() implements Node {}

    record Symlink(String target) implements Node {}

    /** A hardlink to {@code target} (normalised), as it was when entry {@code index} was unpacked. */
    record Hardlink(String target, int index) implements Node {}

    /** A device, FIFO or other special file. */
    record Other() implements Node {}

    /**
     * What to read from a layer.
     *
     * @param files paths whose entry (and content, for its roles) is wanted
     * @param dirs  directories whose children are wanted, with the role their files are read for
     * @param pins  a path's entry as it was before entry {@code before} of the layer (a hardlink's target)
     */
    record Query(Map<String, Set<Role>> files, Map<String, Role> dirs, Set<Pin> pins) {
        record Pin(String path, Role role, int before) {}

        static final Query NONE = new Query(Map.of(), Map.of(), Set.of());

        Query {
            Map<String, Set<Role>> f = new HashMap<>();
            files.forEach((k, v) -> f.put(k, Set.copyOf(v)));
            files = Map.copyOf(f);
            dirs = Map.copyOf(dirs);
            pins = Set.copyOf(pins);
        }

        static Query file(String path, Role role) {
            return new Query(Map.of(path, role == null ? Set.of() : Set.of(role)), Map.of(), Set.of());
        }

        static Query dir(String path, Role role) { return new Query(Map.of(), Map.of(path, role), Set.of()); }

        static Query pin(String path, Role role, int before) { return new Query(Map.of(), Map.of(), Set.of(new Pin(path, role, before))); }

        Query union(Query o) {
            Map<String, Set<Role>> f = new HashMap<>();
            files.forEach((k, v) -> f.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
            o.files.forEach((k, v) -> f.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
            Map<String, Role> d = new HashMap<>(dirs);
            d.putAll(o.dirs);
            Set<Pin> p = new HashSet<>(pins);
            p.addAll(o.pins);
            return new Query(f, d, p);
        }

        /** Whether a layer read for this query records everything {@code o} asks for. */
        boolean covers(Query o) {
            Set<String> paths = null;
            for (Map.Entry<String, Set<Role>> e : o.files.entrySet()) {
                String path = e.getKey();
                for (Role r : e.getValue()) {
                    if (!files.getOrDefault(path, Set.of()).contains(r) && dirs.get(ImagePath.parent(path)) != r) return false;
                }
                if (e.getValue().isEmpty()) {
                    if (paths == null) paths = paths();
                    if (!paths.contains(path) && !dirs.containsKey(ImagePath.parent(path))) return false;
                }
            }
            for (Map.Entry<String, Role> e : o.dirs.entrySet()) if (dirs.get(e.getKey()) != e.getValue()) return false;
            return pins.containsAll(o.pins);
        }

        /** Every path whose entry the layer's read records. */
        Set<String> paths() {
            Set<String> out = new HashSet<>(files.keySet());
            out.addAll(dirs.keySet());
            for (Pin p : pins) out.add(p.path());
            for (String p : Set.copyOf(out)) out.addAll(ImagePath.ancestors(p));
            return out;
        }
    }

    private final Query query;
    private final Map<String, Node> entries;
    private final Set<String> whiteouts;
    private final Set<String> opaque;
    private final Map<Query.Pin, Node> pinned;
    private final Set<String> implied;

    private LayerIndex(Query query, Map<String, Node> entries, Set<String> whiteouts, Set<String> opaque, Map<Query.Pin, Node> pinned,
                       Set<String> implied) {
        this.query = query;
        this.implied = implied;
        this.entries = entries;
        this.whiteouts = whiteouts;
        this.opaque = opaque;
        this.pinned = pinned;
    }

    Query query() { return query; }

    /** The entry of {@code path} in this layer, or null. */
    Node get(String path) { return entries.get(path); }

    /** The entry {@code pin} asked for as it was before its entry index, or null when the layer had none before it. */
    Node pinned(Query.Pin pin) { return pinned.get(pin); }

    /**
     * Whether this layer hides {@code path} of lower layers: a whiteout of it or of an ancestor, an opaque ancestor,
     * or an ancestor that this layer replaces with something that is not a directory.
     */
    boolean hides(String path) {
        if (whiteouts.contains(path)) return true;
        for (String a : ImagePath.ancestors(path)) {
            if (whiteouts.contains(a) || opaque.contains(a)) return true;
            Node n = entries.get(a);
            if (n != null && !(n instanceof Dir)) return true;
        }
        return false;
    }

    /** Whether this layer has entries beneath {@code path} (of a path the query asked about). */
    boolean implies(String path) { return implied.contains(path); }

    /** Whether this layer marks {@code dir} opaque (its children in lower layers are hidden). */
    boolean opaque(String dir) { return opaque.contains(dir); }

    /** The entries of {@code dir}'s children in this layer (for a directory the query asked for), by name. */
    Map<String, Node> children(String dir) {
        Map<String, Node> out = new LinkedHashMap<>();
        entries.forEach((path, node) -> {
            if (!path.isEmpty() && ImagePath.parent(path).equals(dir)) out.put(ImagePath.name(path), node);
        });
        return out;
    }

    /** The names of {@code dir}'s children this layer whites out. */
    Set<String> whitedOut(String dir) {
        Set<String> out = new HashSet<>();
        for (String w : whiteouts) if (ImagePath.parent(w).equals(dir)) out.add(ImagePath.name(w));
        return out;
    }

    /**
     * Reads a layer blob (gzip or plain tar; its media type, when it names one, decides) for {@code query}.
     *
     * @param where the layer for messages ({@code registry/repository@digest})
     * @throws ReadLimitExceeded past {@link ReadLimits#layerBytes()} or a directory's {@link ReadLimits#statusBytes()}
     * @throws IOException       when it is not a tar archive the engine would unpack
     */
    static LayerIndex read(InputStream blob, String mediaType, Query query, ReadLimits limits, String where) throws IOException {
        InputStream in = new BufferedInputStream(blob, 1 << 16);
        if (!mediaType.endsWith(".tar") && !mediaType.endsWith("tar")) {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
        }
        return scan(new Limited(in, limits.layerBytes(), where), query, limits);
    }

    /** Reads an uncompressed tar stream for {@code query}. */
    static LayerIndex scan(InputStream tar, Query query, ReadLimits limits) throws IOException {
        Set<String> interesting = query.paths();
        Map<String, Set<Role>> files = query.files();
        Map<String, Node> entries = new HashMap<>();
        Set<String> whiteouts = new HashSet<>();
        Set<String> opaque = new HashSet<>();
        Map<Query.Pin, Node> pinned = new HashMap<>();
        Map<String, Set<Query.Pin>> pinsByPath = new HashMap<>();
        for (Query.Pin p : query.pins()) pinsByPath.computeIfAbsent(p.path(), k -> new HashSet<>()).add(p);
        Map<String, Long> dirBytes = new HashMap<>();
        Set<String> implied = new HashSet<>();
        TarReader reader = new TarReader(tar);
        for (TarReader.Entry e; (e = reader.next()) != null; ) {
            String path = ImagePath.normalise(e.name());
            if (path.isEmpty()) continue;
            String parent = ImagePath.parent(path);
            String name = ImagePath.name(path);
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String ancestor = path.substring(0, slash);
                if (interesting.contains(ancestor)) implied.add(ancestor);
            }
            if (name.equals(".wh..wh..opq")) {
                if (interesting.contains(parent)) opaque.add(parent);
                continue;
            }
            if (name.startsWith(".wh..wh.")) continue; // AUFS metadata (.wh..wh.plnk, …): never in the image
            if (name.startsWith(".wh.")) {
                String hidden = ImagePath.join(parent, name.substring(4));
                boolean child = query.dirs().containsKey(parent);
                if (child) charge(dirBytes, parent, 512, limits);
                if (child || interesting.contains(hidden)) whiteouts.add(hidden);
                continue;
            }
            Role dirRole = query.dirs().get(parent);
            Set<Query.Pin> pins = new HashSet<>();
            for (Query.Pin p : pinsByPath.getOrDefault(path, Set.of())) if (e.index() < p.before()) pins.add(p);
            if (!interesting.contains(path) && dirRole == null && pins.isEmpty()) continue;
            Set<Role> roles = EnumSet.noneOf(Role.class);
            roles.addAll(files.getOrDefault(path, Set.of()));
            if (dirRole != null) {
                charge(dirBytes, parent, 512 + e.size(), limits);
                roles.add(dirRole);
            }
            for (Query.Pin p : pins) roles.add(p.role());
            Node node = node(e, path, roles, reader, limits);
            entries.put(path, node);
            for (Query.Pin p : pins) pinned.put(p, node);
        }
        return new LayerIndex(query, entries, whiteouts, opaque, pinned, implied);
    }

    private static void charge(Map<String, Long> dirBytes, String dir, long bytes, ReadLimits limits) throws ReadLimitExceeded {
        long total = dirBytes.merge(dir, bytes, Long::sum);
        if (total > limits.statusBytes()) {
            throw new ReadLimitExceeded(dir + ": its files in one layer are " + ReadLimits.exceeded(limits.statusBytes(), ReadLimits.STATUS_BYTES),
                    ReadLimits.STATUS_BYTES);
        }
    }

    private static Node node(TarReader.Entry e, String path, Set<Role> roles, TarReader reader, ReadLimits limits) throws IOException {
        if (e.isDirectory()) return new Dir();
        if (e.isSymlink()) return new Symlink(e.linkName());
        if (e.isHardlink()) return new Hardlink(ImagePath.normalise(e.linkName()), e.index());
        if (!e.isRegular()) return new Other();
        if (roles.isEmpty()) return new File(Map.of());
        Map<Role, Content> contents = new EnumMap<>(Role.class);
        if (e.sparse()) {
            for (Role r : roles) contents.put(r, new Invalid(path + " is stored as a sparse file, which the scan does not read"));
        } else if (e.size() > limits.statusBytes()) {
            for (Role r : roles) contents.put(r, new Invalid(path + " is " + ReadLimits.exceeded(limits.statusBytes(), ReadLimits.STATUS_BYTES)));
        } else if (roles.size() == 1) {
            Role r = roles.iterator().next();
            contents.put(r, parse(r, reader.content(), path));
        } else {
            byte[] bytes = reader.content().readAllBytes();
            for (Role r : roles) contents.put(r, parse(r, new ByteArrayInputStream(bytes), path));
        }
        return new File(Collections.unmodifiableMap(contents));
    }

    private static Content parse(Role role, InputStream content, String path) throws IOException {
        switch (role) {
            case STATUS -> {
                try {
                    return new Parsed(DpkgStatus.parse(content));
                } catch (DpkgStatus.Invalid e) {
                    return new Invalid(path + ": not a dpkg database: " + e.getMessage());
                }
            }
            case OS_RELEASE -> {
                return new Parsed(DpkgStatus.osRelease(new String(content.readAllBytes(), StandardCharsets.UTF_8)));
            }
            default -> throw new IllegalStateException(role.toString());
        }
    }

    /** Counts decompressed bytes (reads and skips alike) and stops past the layer limit. */
    private static final class Limited extends FilterInputStream {
        private final long max;
        private final String where;
        private long count;

        Limited(InputStream in, long max, String where) {
            super(in);
            this.max = max;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) counted(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) counted(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(1 << 16, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }

        private void counted(int n) throws ReadLimitExceeded {
            count += n;
            if (count > max) {
                throw new ReadLimitExceeded(where + ": layer decompresses to " + ReadLimits.exceeded(max, ReadLimits.LAYER_BYTES), ReadLimits.LAYER_BYTES);
            }
        }

        @Override
        public boolean markSupported() { return false; }
    }
}
