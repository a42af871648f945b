// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (EnvVars extends TreeMap<String,String>, case-insensitive keys); the real class comes from the Jenkins repository.
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
