// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-step-api-plugin tag 710.v3e456cc85233 (newest tag in the mirror; the BOM manages 724.v538c2362b_dfb_), src/main/java/org/jenkinsci/plugins/workflow/steps/StepContext.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.FutureCallback;
import java.io.IOException;
import java.io.Serializable;

public abstract class StepContext implements FutureCallback<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    public abstract <T> T get(Class<T> key) throws IOException, InterruptedException;

    @Override
    public abstract void onSuccess(Object result);

    @Override
    public abstract void onFailure(Throwable t);

    public abstract boolean isReady();

    @Override
    public abstract boolean equals(Object o);

    @Override
    public abstract int hashCode();
}
