package org.imagetree.pipeline.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A step's evaluated values as the types the step needs; a value of another type fails the step, naming its field. */
final class StepArguments {
    private StepArguments() {}

    static String string(String field, Object v) throws StepFailure {
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw new StepFailure(field + ": expected a string, got " + (v instanceof List ? "a list" : v instanceof Map ? "a mapping" : String.valueOf(v)));
    }

    static List<String> strings(String field, Object v) throws StepFailure {
        if (!(v instanceof List<?> l)) throw new StepFailure(field + ": expected a list of strings, got " + (v instanceof Map ? "a mapping" : v));
        List<String> out = new ArrayList<>();
        for (Object o : l) out.add(string(field, o));
        return out;
    }

    static Map<String, String> stringMap(String field, Object v) throws StepFailure {
        if (!(v instanceof Map<?, ?> m)) throw new StepFailure(field + ": expected a mapping, got " + v);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> en : m.entrySet()) out.put(String.valueOf(en.getKey()), string(field + "." + en.getKey(), en.getValue()));
        return out;
    }
}
