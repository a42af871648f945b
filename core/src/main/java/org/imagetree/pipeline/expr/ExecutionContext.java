package org.imagetree.pipeline.expr;

import org.imagetree.pipeline.graph.ExecutionGraph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PipelineLib's {@code ExecutionContext}: values bound by the nodes of an execution graph, each node reading its own
 * values and those of the nodes that lead to it, never those of another branch. Nodes of independent branches bind
 * at the same time: each node writes only its own namespace, and reads only namespaces of nodes that finished before
 * it started. One per pipeline run; no global state.
 */
public final class ExecutionContext {
    private final ExecutionGraph graph;
    private final Map<String, Map<String, Object>> values = new ConcurrentHashMap<>();
    private final AtomicInteger dives = new AtomicInteger();

    public ExecutionContext(ExecutionGraph graph) {
        this.graph = graph;
    }

    public ExecutionGraph graph() { return graph; }

    /** The context of {@code node}: its own bindings and its ancestors'. */
    public NodeContext ofNode(String node) {
        return new NodeContext(node, graph.ancestorsOf(node), Map.of(), false);
    }

    /** Every bound name as {@code node.key}. */
    public List<String> allKeys() {
        List<String> out = new ArrayList<>();
        values.forEach((ns, m) -> {
            if (ns.startsWith("\u0000")) return; // a list comprehension's frame
            synchronized (m) {
                m.keySet().forEach(k -> out.add(ns + "." + k));
            }
        });
        Collections.sort(out);
        return out;
    }

    /** Every value bound to {@code key}, by node (for the end of a run: containers, images to remove). */
    public Map<String, Object> getAll(String key) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String node : graph.nodes()) {
            Map<String, Object> m = values.get(node);
            if (m == null) continue;
            synchronized (m) {
                if (m.get(key) != null) out.put(node, m.get(key));
            }
        }
        return out;
    }

    private Map<String, Object> namespace(String node) {
        return values.computeIfAbsent(node, k -> Collections.synchronizedMap(new LinkedHashMap<>()));
    }

    /** A name with no value in a namespace. */
    public static final class NameNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameNotFoundException(String ns, String key, Set<String> available) {
            super("no value bound for '" + ns + "." + key + "'" + hint(key, available));
        }

        private static String hint(String key, Set<String> available) {
            Set<String> shown = new LinkedHashSet<>(available);
            if (shown.isEmpty()) return "";
            String near = org.imagetree.config.ClosestKey.closest(key, shown);
            boolean close = org.imagetree.config.ClosestKey.isClose(key, near);
            return " (" + (close ? "did you mean '" + near + "'? " : "") + "bound: " + String.join(", ", shown) + ")";
        }
    }

    /** A namespace the node may not read: not a node that leads to it. */
    public static final class AncestorNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AncestorNotFoundException(String ancestor, String node, boolean isNode) {
            super("cannot access '" + ancestor + ".*' values since '" + node + "' does not follow it in the graph"
                    + (isNode ? "" : " ('" + ancestor + "' is not a stage of this pipeline)"));
        }
    }

    /** A second value for a name. */
    public static final class NameAlreadyBoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameAlreadyBoundException(String ns, String key) {
            super("'" + ns + "' already has a value assigned to '" + key + "'");
        }
    }

    /** The view of one node (or of an anonymous frame a list comprehension dives into). */
    public final class NodeContext {
        private final String node;
        private final Set<String> ancestors;
        private final boolean anonymous;

        private NodeContext(String node, Set<String> ancestors, Map<String, Object> initial, boolean anonymous) {
            this.node = node;
            this.ancestors = ancestors;
            this.anonymous = anonymous;
            Map<String, Object> m = namespace(node);
            synchronized (m) {
                m.putAll(initial);
            }
        }

        public String node() { return node; }

        /** Whether this is a list comprehension's frame rather than a stage. */
        public boolean anonymous() { return anonymous; }

        /** Binds {@code key} in this node's namespace, once. */
        public void bind(String key, Object value) {
            Map<String, Object> m = namespace(node);
            synchronized (m) {
                if (m.containsKey(key)) throw new NameAlreadyBoundException(node, key);
                m.put(key, value);
            }
        }

        /** Whether {@code key} is bound in this node's namespace. */
        public boolean has(String key) {
            Map<String, Object> m = namespace(node);
            synchronized (m) {
                return m.containsKey(key);
            }
        }

        /** This node's value for {@code key}. */
        public Object binding(String key) {
            Map<String, Object> m = namespace(node);
            synchronized (m) {
                if (!m.containsKey(key)) throw new NameNotFoundException(anonymous ? "" : node, key, new LinkedHashSet<>(m.keySet()));
                return m.get(key);
            }
        }

        /** {@code ancestor}'s value for {@code key}. */
        public Object binding(String ancestor, String key) {
            if (!ancestors.contains(ancestor)) throw new AncestorNotFoundException(ancestor, anonymous ? "the list comprehension" : node, graph.nodes().contains(ancestor));
            Map<String, Object> m = namespace(ancestor);
            synchronized (m) {
                if (!m.containsKey(key)) throw new NameNotFoundException(ancestor, key, new LinkedHashSet<>(m.keySet()));
                return m.get(key);
            }
        }

        /** PipelineLib's {@code getAt}: {@code ns.key} reads an ancestor's value, {@code .key} or {@code key} this node's. */
        public Object lookup(String name) {
            int sep = name.indexOf('.');
            String ns = sep < 0 ? "" : name.substring(0, sep);
            String key = name.substring(sep + 1);
            return ns.isEmpty() ? binding(key) : binding(ns, key);
        }

        /** A new frame with {@code bindings}, whose ancestors are this node and its ancestors (a {@code $yield}). */
        public NodeContext dive(Map<String, Object> bindings) {
            Set<String> a = new LinkedHashSet<>();
            a.add(node);
            a.addAll(ancestors);
            return new NodeContext("\u0000each" + dives.incrementAndGet(), Collections.unmodifiableSet(a), bindings, true);
        }

        /** This node's values (for reports). */
        public Map<String, Object> getAll() {
            Map<String, Object> m = namespace(node);
            synchronized (m) {
                return Collections.unmodifiableMap(new LinkedHashMap<>(m));
            }
        }
    }
}
