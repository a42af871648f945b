// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (since 2.485); the real class comes from the Jenkins repository.
package jenkins.agents;

import hudson.FilePath;
import org.jenkinsci.remoting.RoleChecker;

public interface ControllerToAgentFileCallable<T> extends FilePath.FileCallable<T> {
    @Override
    default void checkRoles(RoleChecker checker) throws SecurityException {
        // Real Jenkins: checker.check(this, Roles.SLAVE).
    }
}
