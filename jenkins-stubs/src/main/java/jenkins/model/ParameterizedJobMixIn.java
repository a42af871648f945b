// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/model/ParameterizedJobMixIn.java: a subset of its signatures, nothing it lacks.
package jenkins.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Queue;
import hudson.model.Run;

/** The real class's type parameters also bound JobT by ParameterizedJob and Queue.Task, RunT by Queue.Executable. */
public abstract class ParameterizedJobMixIn<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> {
    /** Offline there is no queue: it throws, as the real one does without Jenkins. */
    public static @CheckForNull Queue.Item scheduleBuild2(final Job<?, ?> job, int quietPeriod, Action... actions) {
        Jenkins.get();
        return null; // not reached
    }
}
