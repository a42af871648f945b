// Compile-only stub (jenkins-stubs), checked against jenkinsci/json-lib tag json-lib-2.4-jenkins-15 (the version jenkins-2.555.3 pins), src/main/java/net/sf/json/JSONArray.java: a subset of its signatures, nothing it lacks.
package net.sf.json;

import java.util.ArrayList;
import java.util.List;

public final class JSONArray {
    private final List<Object> elements = new ArrayList<>();

    public JSONArray() {}

    public boolean add(Object value) { return elements.add(value); }

    public Object get(int index) { return elements.get(index); }

    public int size() { return elements.size(); }

    /** JSON text, as the real one writes it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (Object o : elements) {
            if (b.length() > 1) b.append(',');
            b.append(text(o));
        }
        return b.append(']').toString();
    }

    static String text(Object o) {
        if (o == null) return "null";
        if (o instanceof String s) return quote(s);
        return o.toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
