package org.imagetree.pipeline.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A pipeline's execution graph as PipelineLib builds it ({@code ExecutionGraph.groovy}): a directed graph made of
 * arcs, each arc a list of stage names that adds the edges between neighbours ({@code [a, b, c]}: a → b, b → c), an
 * arc of one name adding an isolated node. Node sets keep the order in which names first appear, so that
 * {@link #stack()} lists a frame's stages in the order PipelineLib does. Immutable.
 */
public final class ExecutionGraph {
    private final Map<String, Set<String>> progression;
    private final Map<String, Set<String>> recession;
    private final Set<String> isolates;

    private ExecutionGraph(Map<String, Set<String>> progression, Map<String, Set<String>> recession, Set<String> isolates) {
        this.progression = progression;
        this.recession = recession;
        this.isolates = isolates;
    }

    /** The graph of {@code arcs}. */
    public static ExecutionGraph of(List<List<String>> arcs) {
        Builder b = new Builder();
        for (List<String> arc : arcs) b.addArc(arc);
        return b.build();
    }

    /** All nodes leading, directly or not, to {@code node}. */
    public Set<String> ancestorsOf(String node) {
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(inTo(node));
        while (!todo.isEmpty()) {
            String n = todo.remove(0);
            if (out.add(n)) todo.addAll(inTo(n));
        }
        return Collections.unmodifiableSet(out);
    }

    /** Nodes without outgoing edges. */
    public Set<String> leaves() {
        Set<String> out = new LinkedHashSet<>(recession.keySet());
        out.removeAll(progression.keySet());
        out.addAll(isolates);
        return Collections.unmodifiableSet(out);
    }

    /** Nodes without incoming edges. */
    public Set<String> roots() {
        Set<String> out = new LinkedHashSet<>(progression.keySet());
        out.removeAll(recession.keySet());
        out.addAll(isolates);
        return Collections.unmodifiableSet(out);
    }

    public Set<String> inTo(String node) { return recession.getOrDefault(node, Set.of()); }

    public Set<String> outOf(String node) { return progression.getOrDefault(node, Set.of()); }

    public int inDegreeOf(String node) { return inTo(node).size(); }

    public int outDegreeOf(String node) { return outOf(node).size(); }

    /** Every node, in the order PipelineLib's {@code nodes()} gives them. */
    public Set<String> nodes() {
        Set<String> out = new LinkedHashSet<>(progression.keySet());
        out.addAll(recession.keySet());
        out.addAll(isolates);
        return Collections.unmodifiableSet(out);
    }

    /** The union of this graph and {@code other}. */
    public ExecutionGraph or(ExecutionGraph other) {
        Builder b = new Builder();
        for (ExecutionGraph g : List.of(this, other)) {
            g.progression.forEach(b::addSuccession);
            g.isolates.forEach(b::addIsolate);
        }
        return b.build();
    }

    /** This graph followed by {@code other}: every leaf of this one leads to every root of the other. */
    public ExecutionGraph plus(ExecutionGraph other) {
        Builder b = new Builder();
        for (ExecutionGraph g : List.of(this, other)) {
            g.progression.forEach(b::addSuccession);
            g.isolates.forEach(b::addIsolate);
        }
        Set<String> otherRoots = other.roots();
        for (String leaf : leaves()) b.addSuccession(leaf, otherRoots);
        return b.build();
    }

    /**
     * The concurrent frames in topological order (PipelineLib's {@code stack()}): the roots, then each node once all
     * the nodes leading to it are in earlier frames.
     *
     * @throws CycleException when a cycle keeps some node from ever being ready, naming the cycle
     */
    public List<List<String>> stack() {
        List<List<String>> frames = new ArrayList<>();
        int size = nodes().size();
        Set<String> traversed = new LinkedHashSet<>();
        Set<String> prev = null;
        while (traversed.size() < size) {
            Set<String> next;
            if (prev == null) {
                next = new LinkedHashSet<>(roots());
            } else {
                next = new LinkedHashSet<>();
                for (String p : prev) {
                    for (String out : outOf(p)) {
                        if (traversed.containsAll(inTo(out))) next.add(out);
                    }
                }
            }
            if (next.isEmpty()) throw new CycleException(cycle().orElse(List.of()), this);
            traversed.addAll(next);
            prev = next;
            frames.add(List.copyOf(next));
        }
        return Collections.unmodifiableList(frames);
    }

    /** A cycle, as the path of nodes that closes it ({@code [a, b, a]}), when there is one. */
    public Optional<List<String>> cycle() {
        Map<String, Integer> state = new LinkedHashMap<>(); // 1: on the path, 2: done
        List<String> path = new ArrayList<>();
        for (String n : nodes()) {
            Optional<List<String>> c = visit(n, state, path);
            if (c.isPresent()) return c;
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String n, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(n);
        if (s != null && s == 2) return Optional.empty();
        if (s != null && s == 1) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
            c.add(n);
            return Optional.of(c);
        }
        state.put(n, 1);
        path.add(n);
        for (String out : outOf(n)) {
            Optional<List<String>> c = visit(out, state, path);
            if (c.isPresent()) return c;
        }
        path.remove(path.size() - 1);
        state.put(n, 2);
        return Optional.empty();
    }

    /** A cycle in the graph: some stages can never start. */
    public static final class CycleException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> cycle;

        CycleException(List<String> cycle, ExecutionGraph graph) {
            super("cycle detected in graph" + (cycle.isEmpty() ? "" : ": " + String.join(" -> ", cycle)) + " (" + graph + ")");
            this.cycle = List.copyOf(cycle);
        }

        public List<String> cycle() { return cycle; }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecutionGraph g && progression.equals(g.progression) && isolates.equals(g.isolates);
    }

    @Override
    public int hashCode() { return Objects.hash(progression, isolates); }

    /** The graph in {@code dot} syntax, as PipelineLib prints it: {@code digraph { a -> b; b -> c; x }}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        progression.forEach((p, ss) -> ss.forEach(s -> parts.add(p + " -> " + s)));
        parts.addAll(isolates);
        return "digraph { " + String.join("; ", parts) + " }";
    }

    private static final class Builder {
        private final Map<String, Set<String>> progression = new LinkedHashMap<>();
        private final Map<String, Set<String>> recession = new LinkedHashMap<>();
        private final Set<String> isolates = new LinkedHashSet<>();

        void addArc(List<String> arc) {
            if (arc.size() == 1) {
                addIsolate(arc.get(0));
                return;
            }
            for (int i = 0; i + 1 < arc.size(); i++) addSuccession(arc.get(i), List.of(arc.get(i + 1)));
        }

        void addIsolate(String node) { isolates.add(node); }

        void addSuccession(String predecessor, java.util.Collection<String> successors) {
            progression.computeIfAbsent(predecessor, k -> new LinkedHashSet<>()).addAll(successors);
            for (String s : successors) recession.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(predecessor);
            isolates.removeAll(successors);
            isolates.remove(predecessor);
        }

        ExecutionGraph build() {
            Map<String, Set<String>> p = new LinkedHashMap<>();
            progression.forEach((k, v) -> p.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
            Map<String, Set<String>> r = new LinkedHashMap<>();
            recession.forEach((k, v) -> r.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
            return new ExecutionGraph(Collections.unmodifiableMap(p), Collections.unmodifiableMap(r),
                    Collections.unmodifiableSet(new LinkedHashSet<>(isolates)));
        }
    }
}
