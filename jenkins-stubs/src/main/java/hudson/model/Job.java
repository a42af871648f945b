// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Job.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> implements Item {
    private final String name;

    /** The real one is an AbstractItem: its parent (an ItemGroup) and name. */
    protected Job(ItemGroup parent, String name) { this.name = name; }

    public String getName() { return name; }

    /** Offline a job has no properties. */
    public <T extends JobProperty> T getProperty(Class<T> clazz) { return null; }

    @Override
    public String getFullName() { return name; }

    @Override
    public String getFullDisplayName() { return name; }
}
