package org.imagetree.pipeline.read;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A YAML value of {@code .pipeline/config.yaml} with the 1-based line it starts at: the JSON data model the v0 schema
 * is written against (a mapping with string keys, a sequence, or a scalar that is a string, boolean, integer, number
 * or null). Immutable.
 */
public sealed interface YamlValue {
    /** 1-based line where the value starts (0 when made by the engine, not read). */
    int line();

    /** A plain Java rendering: String, Boolean, Long, Double, null, List, LinkedHashMap. */
    Object toJava();

    /** A scalar: {@code value} is a String, Boolean, Long, Double or null. */
    record Scalar(Object value, int line) implements YamlValue {
        public Scalar {
            if (value != null && !(value instanceof String) && !(value instanceof Boolean) && !(value instanceof Long)
                    && !(value instanceof Double)) {
                throw new IllegalArgumentException("not a scalar: " + value.getClass());
            }
        }

        public static Scalar string(String s, int line) { return new Scalar(Objects.requireNonNull(s), line); }

        public boolean isString() { return value instanceof String; }

        public boolean isBoolean() { return value instanceof Boolean; }

        public boolean isInteger() { return value instanceof Long; }

        public boolean isNull() { return value == null; }

        @Override public Object toJava() { return value; }
    }

    /** A sequence. */
    record Sequence(List<YamlValue> items, int line) implements YamlValue {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override public Object toJava() {
            List<Object> out = new ArrayList<>();
            for (YamlValue v : items) out.add(v.toJava());
            return out;
        }
    }

    /** A mapping's entry: the key (a string) with its line, and the value. */
    record Entry(String key, int keyLine, YamlValue value) {
        public Entry {
            Objects.requireNonNull(key);
            Objects.requireNonNull(value);
        }
    }

    /** A mapping, keys in document order, each once. */
    record Mapping(List<Entry> entries, int line) implements YamlValue {
        public Mapping {
            entries = List.copyOf(entries);
        }

        public Optional<Entry> entry(String key) {
            for (Entry e : entries) if (e.key().equals(key)) return Optional.of(e);
            return Optional.empty();
        }

        public Optional<YamlValue> get(String key) { return entry(key).map(Entry::value); }

        public boolean has(String key) { return entry(key).isPresent(); }

        public List<String> keys() {
            List<String> out = new ArrayList<>();
            for (Entry e : entries) out.add(e.key());
            return Collections.unmodifiableList(out);
        }

        /** The line of {@code key}, else this mapping's. */
        public int lineOf(String key) { return entry(key).map(Entry::keyLine).orElse(line); }

        public Map<String, YamlValue> asMap() {
            Map<String, YamlValue> out = new LinkedHashMap<>();
            for (Entry e : entries) out.put(e.key(), e.value());
            return Collections.unmodifiableMap(out);
        }

        @Override public Object toJava() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Entry e : entries) out.put(e.key(), e.value().toJava());
            return out;
        }
    }

    /** A value made by the engine (a default), reported at {@code line} of the key that asked for it. */
    static YamlValue of(Object java, int line) {
        if (java instanceof YamlValue v) return v;
        if (java instanceof List<?> l) {
            List<YamlValue> items = new ArrayList<>();
            for (Object o : l) items.add(of(o, line));
            return new Sequence(items, line);
        }
        if (java instanceof Map<?, ?> m) {
            List<Entry> entries = new ArrayList<>();
            m.forEach((k, v) -> entries.add(new Entry(String.valueOf(k), line, of(v, line))));
            return new Mapping(entries, line);
        }
        if (java instanceof Integer i) return new Scalar((long) i, line);
        return new Scalar(java, line);
    }

    /** The JSON type name the schema uses: object, array, string, boolean, integer, number, null. */
    static String typeName(YamlValue v) {
        if (v instanceof Mapping) return "a mapping";
        if (v instanceof Sequence) return "a list";
        Object o = ((Scalar) v).value();
        if (o == null) return "null";
        if (o instanceof Boolean) return "a boolean";
        if (o instanceof Long) return "an integer";
        if (o instanceof Double) return "a number";
        return "a string";
    }
}
