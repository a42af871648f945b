// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/queue/QueueTaskFuture.java: a subset of its signatures, nothing it lacks.
package hudson.model.queue;

import hudson.model.Queue.Executable;
import java.util.concurrent.Future;

public interface QueueTaskFuture<R extends Executable> extends Future<R> {
}
