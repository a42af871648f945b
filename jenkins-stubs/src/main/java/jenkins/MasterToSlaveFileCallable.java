// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2; the real class comes from the Jenkins repository.
package jenkins;

import jenkins.agents.ControllerToAgentFileCallable;

public abstract class MasterToSlaveFileCallable<T> implements ControllerToAgentFileCallable<T> {
    private static final long serialVersionUID = 1L;
}
