// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/agents/ControllerToAgentFileCallable.java: a subset of its signatures, nothing it lacks.
package jenkins.agents;

import hudson.FilePath;
import org.jenkinsci.remoting.RoleChecker;

public interface ControllerToAgentFileCallable<T> extends FilePath.FileCallable<T> {
    @Override
    default void checkRoles(RoleChecker checker) throws SecurityException {
        // Real Jenkins: checker.check(this, Roles.SLAVE).
    }
}
