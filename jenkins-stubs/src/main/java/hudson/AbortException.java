// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/AbortException.java: a subset of its signatures, nothing it lacks.
package hudson;

import java.io.IOException;

public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException() {}

    public AbortException(String message) { super(message); }
}
