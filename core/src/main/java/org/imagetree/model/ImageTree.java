package org.imagetree.model;

import org.imagetree.InputError;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The images of one scanned directory and the parent → child edges between them. Immutable.
 * Construction fails with the cycle printed when the dependencies loop.
 */
public final class ImageTree {
    private final Map<String, TreeImage> images;          // by name, in scan order
    private final Map<String, List<String>> children;     // name -> sorted children
    private final List<String> order;                     // parents before children, deterministic
    private final Map<String, Integer> level;             // roots are level 0

    public ImageTree(Collection<TreeImage> all) {
        Map<String, TreeImage> byName = new LinkedHashMap<>();
        for (TreeImage i : all) {
            TreeImage prev = byName.putIfAbsent(i.name(), i);
            if (prev != null) {
                throw new InputError(i.definition().changelog(), 1, "image name '" + i.name()
                        + "' is also defined in " + prev.definition().directory());
            }
        }
        Map<String, List<String>> kids = new HashMap<>();
        for (TreeImage i : byName.values()) {
            for (String p : i.parents()) {
                if (!byName.containsKey(p)) throw new IllegalArgumentException("parent " + p + " of " + i.name() + " is not in the tree");
                kids.computeIfAbsent(p, k -> new ArrayList<>()).add(i.name());
            }
        }
        kids.values().forEach(Collections::sort);
        this.images = Collections.unmodifiableMap(byName);
        this.children = kids;
        this.order = topologicalOrder(byName);
        Map<String, Integer> lv = new HashMap<>();
        for (String n : order) {
            int l = 0;
            for (String p : byName.get(n).parents()) l = Math.max(l, lv.get(p) + 1);
            lv.put(n, l);
        }
        this.level = lv;
    }

    private static List<String> topologicalOrder(Map<String, TreeImage> byName) {
        // Depth-first with colours (1 = on the path, 2 = done), parents in name order; iterative, so a long chain
        // of images cannot overflow the stack. On a back edge print the cycle.
        Map<String, Integer> state = new HashMap<>();
        List<String> out = new ArrayList<>(byName.size());
        Deque<String> path = new ArrayDeque<>();
        Deque<Iterator<String>> pending = new ArrayDeque<>();
        for (String root : new TreeSet<>(byName.keySet())) {
            if (state.containsKey(root)) continue;
            enter(root, byName, state, path, pending);
            while (!pending.isEmpty()) {
                Iterator<String> parents = pending.peek();
                if (parents.hasNext()) {
                    String p = parents.next();
                    Integer s = state.get(p);
                    if (s != null && s == 2) continue;
                    if (s != null && s == 1) throw cycle(p, byName, path);
                    enter(p, byName, state, path, pending);
                } else {
                    pending.pop();
                    String n = path.pop();
                    state.put(n, 2);
                    out.add(n);
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static void enter(String n, Map<String, TreeImage> byName, Map<String, Integer> state, Deque<String> path,
                              Deque<Iterator<String>> pending) {
        state.put(n, 1);
        path.push(n);
        pending.push(new TreeSet<>(byName.get(n).parents()).iterator());
    }

    private static InputError cycle(String n, Map<String, TreeImage> byName, Deque<String> path) {
        List<String> cycle = new ArrayList<>();
        boolean in = false;
        for (var it = path.descendingIterator(); it.hasNext(); ) {
            String p = it.next();
            if (p.equals(n)) in = true;
            if (in) cycle.add(p);
        }
        cycle.add(n);
        // Named at the file that makes the cycle's first edge: n's control when it declares the next image, else n's
        // template, which uses it (there may be no control file at all).
        TreeImage img = byName.get(n);
        String next = cycle.get(1);
        boolean declared = img.definition().declaredDepends().contains(next);
        return new InputError(declared ? img.definition().control() : img.definition().template(), 0, "dependency cycle: "
                + String.join(" -> ", cycle) + (declared ? "" : " (" + n + "'s template uses " + next + ")"));
    }

    public Map<String, TreeImage> images() { return images; }

    public TreeImage get(String name) { return images.get(name); }

    public boolean contains(String name) { return images.containsKey(name); }

    /** Every image, parents before children. */
    public List<String> order() { return order; }

    public List<String> children(String name) { return children.getOrDefault(name, List.of()); }

    /** Depth of an image: 0 for images with no in-tree parent. */
    public int level(String name) { return level.get(name); }

    /** All images below {@code names}, transitively (not including them). */
    public Set<String> descendants(Collection<String> names) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(names);
        while (!todo.isEmpty()) {
            for (String c : children(todo.pop())) if (out.add(c)) todo.add(c);
        }
        out.removeAll(names);
        return out;
    }

    /** All images above {@code name}, transitively. */
    public Set<String> ancestors(String name) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(images.get(name).parents());
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (out.add(p)) todo.addAll(images.get(p).parents());
        }
        return out;
    }

    /**
     * Waves of a subset: each wave holds images whose parents within the subset are in earlier waves,
     * so the images of one wave can build at the same time.
     */
    public List<List<String>> waves(Set<String> subset) {
        Map<String, Integer> wave = new HashMap<>();
        List<List<String>> out = new ArrayList<>();
        for (String n : order) {
            if (!subset.contains(n)) continue;
            int w = 0;
            for (String p : images.get(n).parents()) if (wave.containsKey(p)) w = Math.max(w, wave.get(p) + 1);
            wave.put(n, w);
            while (out.size() <= w) out.add(new ArrayList<>());
            out.get(w).add(n);
        }
        out.forEach(Collections::sort);
        return out;
    }
}
