// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Run.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

import jenkins.model.RunAction2;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable {
    protected final transient JobT project;
    private volatile Result result;

    /** As the real one (which also reads nothing from JENKINS_HOME); the stub keeps no timestamp. */
    protected Run(JobT job, long timestamp) {
        this.project = job;
    }

    public JobT getParent() { return project; }

    public @CheckForNull Result getResult() { return result; }

    /** As the real one: a result can only get worse. */
    public void setResult(Result r) {
        if (r == null) throw new IllegalArgumentException("cannot set result to null");
        if (result == null || r.isWorseThan(result)) result = r;
    }

    /** As the real one: a {@link RunAction2} is told it was attached. */
    @Override
    public void addAction(Action a) {
        super.addAction(a);
        if (a instanceof RunAction2 r2) r2.onAttached(this);
    }

    public abstract String getFullDisplayName();

    /** Offline there is no build directory: it throws (the real one picks the configured artifact manager). */
    public final synchronized jenkins.model.ArtifactManager pickArtifactManager() throws java.io.IOException {
        throw new java.io.IOException("no artifact manager in the offline harness");
    }
}
