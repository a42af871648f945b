// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.1 (StepContext; saveState/setResult/newBodyInvoker left out: unused); the real class comes from the Jenkins repository.
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
