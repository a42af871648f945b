// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-step-api-plugin tag 710.v3e456cc85233 (newest tag in the mirror; the BOM manages 724.v538c2362b_dfb_), src/main/java/org/jenkinsci/plugins/workflow/steps/StepDescriptor.java: a subset of its signatures, nothing it lacks.
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
