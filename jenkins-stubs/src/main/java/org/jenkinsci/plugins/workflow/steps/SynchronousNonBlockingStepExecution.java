// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-step-api-plugin tag 710.v3e456cc85233 (newest tag in the mirror; the BOM manages 724.v538c2362b_dfb_), src/main/java/org/jenkinsci/plugins/workflow/steps/SynchronousNonBlockingStepExecution.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.steps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Same contract as the real class: run() on a pooled thread, onSuccess/onFailure, stop() cancels (interrupts) it (the real one also runs it as the build's authentication). */
public abstract class SynchronousNonBlockingStepExecution<T> extends StepExecution {
    private static ExecutorService executorService;
    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient String threadName;

    protected SynchronousNonBlockingStepExecution(StepContext context) {
        super(context);
    }

    protected abstract T run() throws Exception;

    @Override
    public final boolean start() throws Exception {
        task = getExecutorService().submit(() -> {
            threadName = Thread.currentThread().getName();
            try {
                getContext().onSuccess(run());
            } catch (Throwable x) {
                // As the real one: after stop() the failure is the stop cause, the run's exception only suppressed.
                if (stopCause == null) {
                    getContext().onFailure(x);
                } else {
                    stopCause.addSuppressed(x);
                }
            }
        });
        return false;
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        if (task != null) {
            stopCause = cause;
            task.cancel(true);
        }
        super.stop(cause);
    }

    /** The real one fails with SynchronousResumeNotSupportedException (an Exception with this message). */
    @Override
    public void onResume() {
        getContext().onFailure(new Exception("Resume after a restart not supported for non-blocking synchronous steps"));
    }

    @Override
    public String getStatus() {
        return threadName != null ? "running in thread: " + threadName : "not yet scheduled";
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
