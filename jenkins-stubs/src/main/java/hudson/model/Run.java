// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (Run: getResult, setResult, getFullDisplayName); the real class comes from the Jenkins repository.
package hudson.model;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable {
    private volatile Result result;

    public Result getResult() { return result; }

    /** Like Jenkins: a result can only get worse. */
    public void setResult(Result r) {
        if (result == null || r.isWorseThan(result)) result = r;
    }

    public abstract String getFullDisplayName();
}
