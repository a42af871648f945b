// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/util/Secret.java: a subset of its signatures, nothing it lacks.
package hudson.util;

import java.io.Serializable;

/** The stub keeps the value in memory; real Jenkins keeps it encrypted in its serialized form. */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String value;

    private Secret(String value) { this.value = value; }

    public static Secret fromString(String data) { return new Secret(data == null ? "" : data); }

    public String getPlainText() { return value; }

    public static String toString(Secret s) { return s == null ? "" : s.value; }

    @Deprecated
    @Override
    public String toString() { return value; }
}
