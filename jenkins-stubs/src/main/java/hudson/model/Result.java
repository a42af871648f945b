// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Result.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.io.Serializable;

public final class Result implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Result SUCCESS = new Result("SUCCESS", 0);
    public static final Result UNSTABLE = new Result("UNSTABLE", 1);
    public static final Result FAILURE = new Result("FAILURE", 2);
    public static final Result NOT_BUILT = new Result("NOT_BUILT", 3);
    public static final Result ABORTED = new Result("ABORTED", 4);

    private final String name;
    public final int ordinal;

    private Result(String name, int ordinal) {
        this.name = name;
        this.ordinal = ordinal;
    }

    public boolean isWorseThan(Result that) { return this.ordinal > that.ordinal; }

    public boolean isWorseOrEqualTo(Result that) { return this.ordinal >= that.ordinal; }

    public boolean isBetterThan(Result that) { return this.ordinal < that.ordinal; }

    @Override
    public String toString() { return name; }
}
