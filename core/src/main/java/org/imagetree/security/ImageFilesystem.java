package org.imagetree.security;

import org.imagetree.security.LayerIndex.Content;
import org.imagetree.security.LayerIndex.Dir;
import org.imagetree.security.LayerIndex.File;
import org.imagetree.security.LayerIndex.Hardlink;
import org.imagetree.security.LayerIndex.Invalid;
import org.imagetree.security.LayerIndex.Node;
import org.imagetree.security.LayerIndex.Query;
import org.imagetree.security.LayerIndex.Role;
import org.imagetree.security.LayerIndex.Symlink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An image's filesystem as the engine unpacks it, computed from its layers without unpacking them: the one place that
 * answers "the file at path P in this image" for every reader of the scan (dpkg status, {@code status.d}, os-release).
 *
 * <ul>
 *   <li>Layers apply newest over oldest (OCI image-spec {@code layer.md}): a path's entry in a newer layer replaces the
 *       older ones; a whiteout {@code .wh.NAME} or an opaque {@code .wh..wh..opq} hides what lower layers hold, never
 *       what its own layer holds; a newer entry that is not a directory hides everything below it in lower layers.</li>
 *   <li>Symlinks are followed wherever they appear in a path, as the kernel would in a container whose root is the
 *       image: {@code ..} and absolute targets never leave the image's root; more than {@value #MAX_LINKS} links on one
 *       path is an error ({@code ELOOP}).</li>
 *   <li>A hardlink is its target as it was when the link was unpacked: the target's last entry before the link in the
 *       same layer, else the target in the layers below (as an engine that unpacks onto the merged view links it).</li>
 *   <li>A directory without its own entry in a layer, but with entries beneath it there, exists (as the engine
 *       creates it when it unpacks them).</li>
 * </ul>
 *
 * <p>Layers are read lazily, newest first, through {@link Layers}: a lookup reads only the layers down to the one that
 * answers.
 */
final class ImageFilesystem {
    static final int MAX_LINKS = 40;

    /** The image's layers, newest first. */
    interface Layers {
        int count();

        /** Layer {@code i} (0 is the newest) read for at least {@code query}. */
        LayerIndex index(int i, Query query);
    }

    private final Layers layers;

    ImageFilesystem(Layers layers) {
        this.layers = layers;
    }

    /** A path's topmost entry: in layer {@code layer} (-1: the root), at the symlink-free {@code path}. */
    private record Found(int layer, Node node, String path) {}

    /** Too many symbolic links on one path. */
    private static final class Loop extends Exception {
        private static final long serialVersionUID = 1L;

        Loop() { super(null, null, false, false); }
    }

    /**
     * The content, read for {@code role}, of the regular file at {@code path} (symlinks and hardlinks followed); empty
     * when the image has no regular file there. An {@link Invalid} content says why it cannot be read.
     */
    Optional<Content> file(String path, Role role) {
        int[] hops = {0};
        try {
            Found f = resolve(path, role, false, hops);
            return f == null ? Optional.empty() : content(f, role, hops);
        } catch (Loop e) {
            return Optional.of(new Invalid(ImagePath.normalise(path) + ": too many levels of symbolic links"));
        }
    }

    /**
     * The regular files directly in the directory at {@code path} (symlinks followed), name → content read for
     * {@code role}, sorted by name; empty when the image has no directory there.
     */
    Map<String, Content> directory(String path, Role role) {
        Map<String, Content> out = new TreeMap<>();
        Found d;
        try {
            d = resolve(path, role, true, new int[]{0});
        } catch (Loop e) {
            return out;
        }
        if (d == null || !(d.node() instanceof Dir)) return out;
        String dir = d.path();
        Query q = Query.dir(dir, role);
        Map<String, Found> children = new TreeMap<>();
        Set<String> hidden = new HashSet<>();
        for (int i = 0; i < layers.count(); i++) {
            LayerIndex l = layers.index(i, q);
            Node self = l.get(dir);
            if (i > d.layer() && self != null && !(self instanceof Dir)) break;
            for (Map.Entry<String, Node> c : l.children(dir).entrySet()) {
                if (!hidden.contains(c.getKey())) children.putIfAbsent(c.getKey(), new Found(i, c.getValue(), ImagePath.join(dir, c.getKey())));
            }
            hidden.addAll(l.whitedOut(dir));
            if (l.opaque(dir) || l.hides(dir)) break;
        }
        for (Map.Entry<String, Found> c : children.entrySet()) {
            Node n = c.getValue().node();
            Optional<Content> content;
            if (n instanceof File) {
                content = content(c.getValue(), role, new int[]{0});
            } else if (n instanceof Symlink || n instanceof Hardlink) {
                content = file(c.getValue().path(), role);
            } else {
                continue;
            }
            content.ifPresent(x -> out.put(c.getKey(), x));
        }
        return out;
    }

    private Optional<Content> content(Found f, Role role, int[] hops) {
        Node n = f.node();
        if (n instanceof File file) {
            Content c = file.contents().get(role);
            if (c == null) { // read for another purpose: read again for this role
                Node again = layers.index(f.layer(), Query.file(f.path(), role)).get(f.path());
                c = again instanceof File g ? g.contents().get(role) : null;
            }
            return Optional.ofNullable(c);
        }
        if (n instanceof Hardlink h) return hardlink(f.layer(), h, role, hops);
        return Optional.empty(); // a directory, device or FIFO is not a file to read
    }

    private Optional<Content> hardlink(int layer, Hardlink h, Role role, int[] hops) {
        if (++hops[0] > MAX_LINKS) return Optional.of(new Invalid(h.target() + ": too many levels of links"));
        Query.Pin pin = new Query.Pin(h.target(), role, h.index());
        LayerIndex l = layers.index(layer, new Query(Map.of(), Map.of(), Set.of(pin)));
        Node before = l.pinned(pin);
        Found target;
        if (before != null) {
            target = new Found(layer, before, h.target());
        } else {
            if (l.hides(h.target())) return Optional.empty();
            target = lookup(h.target(), Query.file(h.target(), role), layer + 1);
            if (target == null) return Optional.empty();
        }
        if (target.node() instanceof Symlink s) { // a hardlink to a symlink is that symlink
            String from = s.target().startsWith("/") ? s.target() : ImagePath.join(ImagePath.parent(h.target()), s.target());
            try {
                Found f = resolve(from, role, false, hops);
                return f == null ? Optional.empty() : content(f, role, hops);
            } catch (Loop e) {
                return Optional.of(new Invalid(h.target() + ": too many levels of symbolic links"));
            }
        }
        return content(target, role, hops);
    }

    /**
     * Resolves {@code path} component by component, following every symlink; the topmost entry of the final path, or
     * null when some component does not exist or is not a directory.
     */
    private Found resolve(String path, Role role, boolean wantDir, int[] hops) throws Loop {
        Deque<String> pending = new ArrayDeque<>(raw(path));
        List<String> resolved = new ArrayList<>();
        Found last = new Found(-1, new Dir(), "");
        while (!pending.isEmpty()) {
            String c = pending.removeFirst();
            if (c.equals("..")) {
                if (!resolved.isEmpty()) resolved.remove(resolved.size() - 1);
                last = resolved.isEmpty() ? new Found(-1, new Dir(), "") : null;
                continue;
            }
            String cur = ImagePath.join(String.join("/", resolved), c);
            boolean isLast = pending.isEmpty();
            // Ask each layer for this component and, while no symlink intervenes, the rest of the path in the same read.
            String rest = ImagePath.normalise(cur + "/" + String.join("/", pending));
            Query q = Query.file(cur, isLast && !wantDir ? role : null).union(wantDir ? Query.dir(rest, role) : Query.file(rest, role));
            Found f = lookup(cur, q, 0);
            if (f == null) return null;
            if (f.node() instanceof Symlink s) {
                if (++hops[0] > MAX_LINKS) throw new Loop();
                if (s.target().startsWith("/")) resolved.clear();
                List<String> target = raw(s.target());
                for (int i = target.size() - 1; i >= 0; i--) pending.addFirst(target.get(i));
                last = resolved.isEmpty() ? new Found(-1, new Dir(), "") : null;
                continue;
            }
            if (!isLast && !(f.node() instanceof Dir)) return null;
            resolved.add(c);
            last = f;
        }
        if (last == null) { // ended on "..": the directory reached, looked up again
            String p = String.join("/", resolved);
            return p.isEmpty() ? new Found(-1, new Dir(), "") : lookup(p, wantDir ? Query.dir(p, role) : Query.file(p, role), 0);
        }
        return last;
    }

    /**
     * The topmost entry of the symlink-free {@code path} from layer {@code from} down, or null: a layer's own entry
     * wins, or a directory implied by its entries beneath the path; a layer that hides it ends the search.
     */
    private Found lookup(String path, Query query, int from) {
        for (int i = from; i < layers.count(); i++) {
            LayerIndex l = layers.index(i, query);
            Node n = l.get(path);
            if (n != null) return new Found(i, n, path);
            // Entries beneath it: a directory here (through a lower symlink, the engine would have written the same
            // entries where the link points, which resolving the link finds again).
            if (l.implies(path)) return new Found(i, new Dir(), path);
            if (l.hides(path)) break;
        }
        return null;
    }

    /** The components of a path as written (for symlink targets: {@code ..} is resolved step by step, not lexically). */
    private static List<String> raw(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) if (!c.isEmpty() && !c.equals(".")) out.add(c);
        return out;
    }
}
