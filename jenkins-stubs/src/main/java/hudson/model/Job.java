// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (type parameter bound of Run); the real class comes from the Jenkins repository.
package hudson.model;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> {
}
