// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/JobProperty.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public abstract class JobProperty<J extends Job<?, ?>> {
}
