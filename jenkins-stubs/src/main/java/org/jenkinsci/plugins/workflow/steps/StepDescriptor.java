// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.1 (StepDescriptor); the real class comes from the Jenkins repository.
package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Set;

public abstract class StepDescriptor extends Descriptor<Step> {
    protected StepDescriptor() {}

    public abstract Set<? extends Class<?>> getRequiredContext();

    public abstract String getFunctionName();

    public boolean takesImplicitBlockArgument() { return false; }

    public boolean isAdvanced() { return false; }
}
