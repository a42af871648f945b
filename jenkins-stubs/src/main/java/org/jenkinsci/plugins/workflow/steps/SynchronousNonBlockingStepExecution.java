// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.1 (SynchronousNonBlockingStepExecution); the real class comes from the Jenkins repository.
package org.jenkinsci.plugins.workflow.steps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Same contract as the real class: run() on a pooled thread, onSuccess/onFailure, stop() cancels (interrupts) it. */
public abstract class SynchronousNonBlockingStepExecution<T> extends StepExecution {
    private static ExecutorService executorService;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;

    protected SynchronousNonBlockingStepExecution(StepContext context) {
        super(context);
    }

    protected abstract T run() throws Exception;

    @Override
    public final boolean start() throws Exception {
        task = getExecutorService().submit(() -> {
            try {
                getContext().onSuccess(run());
            } catch (Throwable t) {
                Throwable cause = stopCause;
                if (cause != null) t.addSuppressed(cause);
                getContext().onFailure(t);
            }
        });
        return false;
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        stopCause = cause;
        Future<?> t = task;
        if (t != null) t.cancel(true);
        super.stop(cause);
    }

    @Override
    public void onResume() {
        getContext().onFailure(new IllegalStateException("Resume after a restart not supported for non-blocking synchronous steps"));
    }

    static synchronized ExecutorService getExecutorService() {
        if (executorService == null) {
            executorService = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "SynchronousNonBlockingStepExecution");
                t.setDaemon(true);
                return t;
            });
        }
        return executorService;
    }
}
