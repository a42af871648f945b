package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A graph of named nodes with ordered edges; dependencies are walked depth-first, leaves first. */
record DependencyGraph(Map<String, List<String>> edges) {

    /**
     * All transitive dependencies of {@code node}, leaves first, each at its first position. Iterative (an explicit
     * stack, not recursion): a chain of includes as long as a 1 MiB blubber.yaml can hold is walked in linear time
     * and without a deep call stack.
     */
    List<String> dependencies(String node) {
        if (!edges.containsKey(node)) throw new IllegalStateException("There is no key '" + node + "' in the dependency graph");
        Set<String> out = new LinkedHashSet<>();
        Set<String> onPath = new java.util.HashSet<>();
        java.util.Deque<Frame> stack = new java.util.ArrayDeque<>();
        onPath.add(node);
        stack.push(new Frame(node, edges.getOrDefault(node, List.of())));
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next < f.deps.size()) {
                String dep = f.deps.get(f.next++);
                if (onPath.contains(dep)) throw new IllegalStateException("Detected dependency graph cycle at '" + dep + "'");
                if (!edges.containsKey(dep)) throw new IllegalStateException("There is no key '" + dep + "' in the dependency graph");
                if (out.contains(dep)) continue;
                onPath.add(dep);
                stack.push(new Frame(dep, edges.getOrDefault(dep, List.of())));
            } else {
                stack.pop();
                onPath.remove(f.node);
                if (!stack.isEmpty()) out.add(f.node); // a dependency, once all of its own are in
            }
        }
        return new ArrayList<>(out);
    }

    /** A node being walked and the index of its next dependency. */
    private static final class Frame {
        final String node;
        final List<String> deps;
        int next;

        Frame(String node, List<String> deps) {
            this.node = node;
            this.deps = deps;
        }
    }
}
