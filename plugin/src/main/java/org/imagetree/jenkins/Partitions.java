package org.imagetree.jenkins;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a plan's work into partitions that separate agents can build at the same time: whole subtrees only (an image
 * that needs work is always with every parent that needs work, so a partition never waits for another), balanced by
 * critical path (the longest chain of images to build one after the other), then by size.
 */
final class Partitions {
    private Partitions() {}

    /**
     * @param rows the plan's images (parents first); those whose action is {@code build} or {@code publish} are work
     * @param n    number of partitions wanted (at least 1)
     * @return exactly {@code n} lists of image names (some empty when there are fewer subtrees), each parents first
     */
    static List<List<String>> of(List<ImageRow> rows, int n) {
        if (n < 1) throw new IllegalArgumentException("partitions must be at least 1");
        List<String> work = new ArrayList<>();
        Map<String, ImageRow> byName = new HashMap<>();
        for (ImageRow r : rows) {
            byName.put(r.getName(), r);
            if ("build".equals(r.getAction()) || "publish".equals(r.getAction())) work.add(r.getName());
        }
        Set<String> workSet = new LinkedHashSet<>(work);
        // Union-find over work images joined to their work parents: each set is a closed group of subtrees.
        Map<String, String> root = new HashMap<>();
        for (String w : work) root.put(w, w);
        for (String w : work) {
            for (String p : byName.get(w).getParents()) if (workSet.contains(p)) union(root, w, p);
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String w : work) groups.computeIfAbsent(find(root, w), k -> new ArrayList<>()).add(w);
        // Critical path of each group: longest chain of work images (work is parents first, so one pass does).
        Map<String, Integer> depth = new HashMap<>();
        for (String w : work) {
            int d = 1;
            for (String p : byName.get(w).getParents()) if (workSet.contains(p)) d = Math.max(d, depth.get(p) + 1);
            depth.put(w, d);
        }
        record Group(List<String> names, int criticalPath) {}
        List<Group> sorted = new ArrayList<>();
        for (List<String> g : groups.values()) sorted.add(new Group(g, g.stream().mapToInt(depth::get).max().orElse(0)));
        sorted.sort(Comparator.comparingInt(Group::criticalPath).reversed()
                .thenComparing(Comparator.comparingInt((Group g) -> g.names().size()).reversed())
                .thenComparing(g -> g.names().get(0)));
        List<List<String>> out = new ArrayList<>();
        int[] critical = new int[n];
        int[] size = new int[n];
        for (int i = 0; i < n; i++) out.add(new ArrayList<>());
        for (Group g : sorted) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                int loadI = Math.max(critical[i], g.criticalPath());
                int loadB = Math.max(critical[best], g.criticalPath());
                if (loadI < loadB || loadI == loadB && size[i] < size[best]) best = i;
            }
            out.get(best).addAll(g.names());
            critical[best] = Math.max(critical[best], g.criticalPath());
            size[best] += g.names().size();
        }
        // Parents first inside each partition, in the plan's order.
        for (List<String> p : out) p.sort(Comparator.comparingInt(work::indexOf));
        return out;
    }

    private static String find(Map<String, String> root, String x) {
        String r = x;
        while (!root.get(r).equals(r)) r = root.get(r);
        root.put(x, r);
        return r;
    }

    private static void union(Map<String, String> root, String a, String b) {
        String ra = find(root, a);
        String rb = find(root, b);
        if (!ra.equals(rb)) root.put(ra, rb);
    }
}
