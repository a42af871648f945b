// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-step-api-plugin tag 710.v3e456cc85233 (newest tag in the mirror; the BOM manages 724.v538c2362b_dfb_), src/main/java/org/jenkinsci/plugins/workflow/steps/StepExecution.java: a subset of its signatures, nothing it lacks.
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
