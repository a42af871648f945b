package org.imagetree.blubber.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1-based line of every value of a blubber.yaml by its YAML path, written as {@link YamlCursor} writes paths
 * ({@code variants.build.apt.sources[0].url}): a mapping entry is at its key's line, a list item at its own. Built
 * once per decoded document, iteratively (the document's nesting is bounded by the YAML loader).
 */
public final class SourceLines {
    static final SourceLines NONE = new SourceLines(Map.of());

    private final Map<String, Integer> lines;

    private SourceLines(Map<String, Integer> lines) { this.lines = lines; }

    static SourceLines of(Node root) {
        Map<String, Integer> out = new HashMap<>();
        if (root == null) return new SourceLines(out);
        record Item(String path, Node node) {}
        Deque<Item> todo = new ArrayDeque<>();
        todo.push(new Item("", root));
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Item item = todo.pop();
            if (!seen.add(item.node())) continue; // an alias: its node has its own place already
            if (item.node() instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode k)) continue;
                    String path = item.path().isEmpty() ? k.getValue() : item.path() + "." + k.getValue();
                    out.putIfAbsent(path, k.getStartMark().getLine() + 1);
                    todo.push(new Item(path, t.getValueNode()));
                }
            } else if (item.node() instanceof SequenceNode s) {
                for (int i = 0; i < s.getValue().size(); i++) {
                    String path = item.path() + "[" + i + "]";
                    out.putIfAbsent(path, s.getValue().get(i).getStartMark().getLine() + 1);
                    todo.push(new Item(path, s.getValue().get(i)));
                }
            }
        }
        return new SourceLines(out);
    }

    /** The line of exactly {@code path}, or 0 when the file does not have it. */
    public int exact(String path) {
        Integer line = lines.get(path);
        return line == null ? 0 : line;
    }

    /**
     * Where the value at {@code path} of the expanded config comes from: {@code variants.V.x.y} is V's own {@code x.y},
     * else that of the last variant V includes that sets it (merging lets later includes win), else the root's
     * {@code x.y}; else, as {@link #line}, the nearest enclosing value in the file.
     */
    public static int valueLine(BlubberConfig config, String path) {
        SourceLines lines = config.lines();
        int own = lines.exact(path);
        if (own > 0) return own;
        if (path.startsWith("variants.")) {
            for (String name : config.variants().keySet()) {
                String prefix = "variants." + name + ".";
                if (!path.startsWith(prefix)) continue;
                String rest = path.substring(prefix.length());
                List<String> included;
                try {
                    included = Expander.includedVariants(config, name);
                } catch (BlubberError e) {
                    included = List.of();
                }
                for (int i = included.size() - 1; i >= 0; i--) {
                    int line = lines.exact("variants." + included.get(i) + "." + rest);
                    if (line > 0) return line;
                }
                int root = lines.exact(rest);
                if (root > 0) return root;
            }
        }
        return lines.line(path);
    }

    /**
     * The line of {@code path}, else of the nearest enclosing value that is in the file (a value inherited through
     * {@code includes} is at its variant), else 0.
     */
    public int line(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) return line;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) break;
            p = p.substring(0, cut);
        }
        return 0;
    }
}
