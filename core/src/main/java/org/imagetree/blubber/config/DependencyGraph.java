package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A graph of named nodes with ordered edges; dependencies are walked depth-first, leaves first. */
record DependencyGraph(Map<String, List<String>> edges) {

    /** All transitive dependencies of {@code node}, leaves first, each at its first position. */
    List<String> dependencies(String node) {
        if (!edges.containsKey(node)) throw new IllegalStateException("There is no key '" + node + "' in the dependency graph");
        Set<String> out = new LinkedHashSet<>();
        walk(node, new LinkedHashSet<>(), out);
        return new ArrayList<>(out);
    }

    private void walk(String node, Set<String> onPath, Set<String> out) {
        onPath.add(node);
        for (String dep : edges.getOrDefault(node, List.of())) {
            if (onPath.contains(dep)) throw new IllegalStateException("Detected dependency graph cycle at '" + dep + "'");
            if (!edges.containsKey(dep)) throw new IllegalStateException("There is no key '" + dep + "' in the dependency graph");
            if (out.contains(dep)) continue;
            walk(dep, onPath, out);
            out.add(dep);
        }
        onPath.remove(node);
    }
}
