package org.imagetree.blubber.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** A YAML node with its dotted path, for strict typed decoding with path-and-line errors. */
record YamlCursor(String file, String path, Node node) {

    int line() { return node == null ? 0 : node.getStartMark().getLine() + 1; }

    boolean isNull() {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    boolean isScalar() { return node instanceof ScalarNode; }

    boolean isSequence() { return node instanceof SequenceNode; }

    boolean isMapping() { return node instanceof MappingNode; }

    BlubberError error(String message) {
        return new BlubberError(BlubberError.Kind.READ, file, line(), path + ": " + message);
    }

    private String describe() {
        if (node instanceof MappingNode) return "object";
        if (node instanceof SequenceNode) return "array";
        Tag t = node.getTag();
        if (t.equals(Tag.INT) || t.equals(Tag.FLOAT)) return "number";
        if (t.equals(Tag.BOOL)) return "bool";
        if (t.equals(Tag.NULL)) return "null";
        return "string";
    }

    BlubberError typeError(String expected) {
        return error("cannot unmarshal " + describe() + " into a value of type " + expected);
    }

    /** A string; null for YAML null. Numbers and booleans are rejected (quote them). */
    String string() {
        if (isNull()) return null;
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.STR)) throw typeError("string");
        return s.getValue();
    }

    Boolean bool() {
        if (isNull()) return null;
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) throw typeError("bool");
        String v = s.getValue().toLowerCase();
        return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
    }

    Integer integer() {
        if (isNull()) return null;
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) throw typeError("integer");
        try {
            long v = Long.decode(s.getValue().replace("_", ""));
            if (v < 0 || v > Integer.MAX_VALUE) throw error("cannot unmarshal number " + s.getValue() + " into a non-negative integer");
            return (int) v;
        } catch (NumberFormatException e) {
            throw typeError("integer");
        }
    }

    List<YamlCursor> items() {
        if (isNull()) return List.of();
        if (!(node instanceof SequenceNode seq)) throw typeError("array");
        List<YamlCursor> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) out.add(new YamlCursor(file, path + "[" + i + "]", seq.getValue().get(i)));
        return out;
    }

    <T> List<T> list(BiFunction<YamlCursor, Integer, T> each) {
        List<YamlCursor> items = items();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) out.add(each.apply(items.get(i), i));
        return out;
    }

    List<String> stringList() {
        return list((c, i) -> {
            String s = c.string();
            return s == null ? "" : s;
        });
    }

    /** Mapping entries, keys as strings; unknown keys (not in allowed, when allowed is non-null) are errors. */
    Map<String, YamlCursor> fields(Set<String> allowed) {
        if (isNull()) return Map.of();
        if (!(node instanceof MappingNode m)) throw typeError("object");
        Map<String, YamlCursor> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) throw error("mapping keys must be strings");
            String key = k.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            YamlCursor child = new YamlCursor(file, childPath, t.getValueNode());
            if (allowed != null && !allowed.contains(key)) {
                throw new BlubberError(BlubberError.Kind.READ, file, k.getStartMark().getLine() + 1,
                        childPath + ": unknown field \"" + key + "\"");
            }
            if (out.put(key, child) != null) throw child.error("duplicate key \"" + key + "\"");
        }
        return out;
    }

    Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        fields(null).forEach((k, v) -> {
            String s = v.string();
            out.put(k, s == null ? "" : s);
        });
        return out;
    }
}
