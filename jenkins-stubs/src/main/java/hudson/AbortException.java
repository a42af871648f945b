// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (AbortException); the real class comes from the Jenkins repository.
package hudson;

import java.io.IOException;

public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException() {}

    public AbortException(String message) { super(message); }
}
