// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (TaskListener); the real class comes from the Jenkins repository.
package hudson.model;

import java.io.PrintStream;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

public interface TaskListener extends SerializableOnlyOverRemoting {
    PrintStream getLogger();
}
