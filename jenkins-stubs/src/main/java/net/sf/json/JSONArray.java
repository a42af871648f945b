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
}
