// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Queue.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import hudson.model.queue.QueueTaskFuture;

public abstract class Queue {
    public interface Executable extends Runnable {
    }

    public abstract static class Item extends Actionable {
        public QueueTaskFuture<Executable> getFuture() { return null; }
    }
}
