// Compile-only stub (jenkins-stubs), checked against jenkinsci/json-lib tag json-lib-2.4-jenkins-15 (the version jenkins-2.555.3 pins), src/main/java/net/sf/json/JSONObject.java: a subset of its signatures, nothing it lacks.
package net.sf.json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

public final class JSONObject {
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public JSONObject() {}

    public boolean has(String key) { return properties.containsKey(key); }

    public Object get(String key) { return properties.get(key); }

    public Object remove(String key) { return properties.remove(key); }

    public JSONObject element(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    public Set<String> keySet() { return properties.keySet(); }

    public int size() { return properties.size(); }

    public boolean isEmpty() { return properties.isEmpty(); }

    /** JSON text, as the real one writes it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (b.length() > 1) b.append(',');
            b.append(JSONArray.quote(e.getKey())).append(':').append(JSONArray.text(e.getValue()));
        }
        return b.append('}').toString();
    }
}
