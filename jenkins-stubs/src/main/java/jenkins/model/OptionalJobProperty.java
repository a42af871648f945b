// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/model/OptionalJobProperty.java: a subset of its signatures, nothing it lacks.
package jenkins.model;

import hudson.model.Job;
import hudson.model.JobProperty;

public abstract class OptionalJobProperty<J extends Job<?, ?>> extends JobProperty<J> {
}
