// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/util/BuildListenerAdapter.java: a subset of its signatures, nothing it lacks.
package jenkins.util;

import hudson.model.BuildListener;
import hudson.model.TaskListener;

public final class BuildListenerAdapter implements BuildListener {
    private static final long serialVersionUID = 1L;
    private final TaskListener delegate;

    private BuildListenerAdapter(TaskListener delegate) { this.delegate = delegate; }

    @Override
    public java.io.PrintStream getLogger() { return delegate.getLogger(); }

    public static BuildListener wrap(TaskListener l) {
        return l instanceof BuildListener b ? b : new BuildListenerAdapter(l);
    }
}
