// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.1 (StepExecution); the real class comes from the Jenkins repository.
package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

public abstract class StepExecution implements Serializable {
    private static final long serialVersionUID = 1L;
    private StepContext context;

    @Deprecated
    protected StepExecution() {}

    protected StepExecution(StepContext context) { this.context = context; }

    public StepContext getContext() {
        if (context == null) throw new IllegalStateException("no context");
        return context;
    }

    public abstract boolean start() throws Exception;

    public void stop(Throwable cause) throws Exception {
        getContext().onFailure(cause);
    }

    public void onResume() {}

    public String getStatus() { return null; }
}
