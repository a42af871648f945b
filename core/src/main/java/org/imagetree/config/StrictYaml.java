package org.imagetree.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.AnchorNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rules every YAML input follows ({@code config.yaml}, {@code blubber.yaml}, Blubber policies): at most
 * {@link #MAX_BYTES}, refused before it is read; no key twice in a mapping (YAML says keys are unique; SnakeYAML
 * and PyYAML would let the last one win silently); aliases may not add more than {@link #MAX_NODES} nodes to the
 * document (billion laughs). A document without aliases is bounded by its size alone. Stateless.
 */
public final class StrictYaml {
    /** 1 MiB: real configs and blubber.yaml files are a few KiB. */
    public static final long MAX_BYTES = 1 << 20;
    /** The most nodes aliases may add to a document once they are expanded (each alias counts its node's subtree again). */
    public static final int MAX_NODES = 100_000;

    /** A problem and its 1-based line (0 when unknown). */
    public record Problem(int line, String message) {}

    private StrictYaml() {}

    /** SnakeYAML's options for these rules: unique keys, few aliases, bounded size and depth. */
    public static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit((int) MAX_BYTES);
        return options;
    }

    /** The file's size when it is over {@link #MAX_BYTES}, checked without reading it. */
    public static Optional<Problem> checkSize(Path file) throws IOException {
        long size = Files.size(file);
        if (size <= MAX_BYTES) return Optional.empty();
        return Optional.of(new Problem(0, "file is " + size + " bytes, over the limit of " + MAX_BYTES + " bytes (1 MiB)"));
    }

    /** The same for text already read. */
    public static Optional<Problem> checkSize(String text) {
        if (text.length() <= MAX_BYTES) return Optional.empty();
        return Optional.of(new Problem(0, "document is " + text.length() + " characters, over the limit of " + MAX_BYTES + " (1 MiB)"));
    }

    /**
     * The first duplicate key of a composed document (at the line of its second occurrence), or an expansion by its
     * aliases of more than {@link #MAX_NODES} nodes. A node reached again (through an alias) counts towards the limit
     * each time; nodes written out do not, since the document's size already bounds them (a 20,000-variant
     * blubber.yaml without an alias is fine). Linear in the document plus at most {@link #MAX_NODES}, so aliases
     * cannot make it slow.
     */
    public static Optional<Problem> check(Node root) {
        if (root == null) return Optional.empty();
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        java.util.Set<Node> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int throughAliases = 0;
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (node instanceof AnchorNode a) node = a.getRealNode();
            boolean again = !distinct.add(node);
            if (again && ++throughAliases > MAX_NODES) {
                return Optional.of(new Problem(line(root), "aliases expand the document by more than " + MAX_NODES + " nodes"));
            }
            if (node instanceof MappingNode map) {
                Map<String, Integer> keys = again ? null : new HashMap<>();
                for (NodeTuple t : map.getValue()) {
                    if (keys != null && t.getKeyNode() instanceof ScalarNode k && !"<<".equals(k.getValue())) {
                        Integer first = keys.putIfAbsent(k.getValue(), line(k));
                        if (first != null) {
                            return Optional.of(new Problem(line(k), "duplicate key '" + k.getValue() + "' (first at line " + first + ")"));
                        }
                    }
                    todo.push(t.getValueNode());
                    todo.push(t.getKeyNode());
                }
            } else if (node instanceof SequenceNode seq) {
                for (int i = seq.getValue().size() - 1; i >= 0; i--) todo.push(seq.getValue().get(i));
            }
        }
        return Optional.empty();
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
