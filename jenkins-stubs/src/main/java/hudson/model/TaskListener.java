// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/TaskListener.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.io.PrintStream;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

public interface TaskListener extends SerializableOnlyOverRemoting {
    PrintStream getLogger();
}
