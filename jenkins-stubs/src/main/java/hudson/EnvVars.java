// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/EnvVars.java: a subset of its signatures, nothing it lacks.
package hudson;

import java.util.Map;
import java.util.TreeMap;

public class EnvVars extends TreeMap<String, String> {
    private static final long serialVersionUID = 1L;

    public EnvVars() { super(String.CASE_INSENSITIVE_ORDER); }

    public EnvVars(Map<String, String> m) {
        this();
        putAll(m);
    }

    public EnvVars(EnvVars m) {
        this();
        putAll(m);
    }

    public String expand(String s) {
        if (s == null) return null;
        String out = s;
        for (Map.Entry<String, String> e : entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        return out;
    }
}
