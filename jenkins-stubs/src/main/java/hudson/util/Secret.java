// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (Secret); the real class comes from the Jenkins repository.
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
