// Compile-only stub (jenkins-stubs), checked against jenkinsci/workflow-step-api-plugin tag 710.v3e456cc85233 (newest tag in the mirror; the BOM manages 724.v538c2362b_dfb_), src/main/java/org/jenkinsci/plugins/workflow/steps/Step.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.workflow.steps;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

@SuppressWarnings("deprecation")
public abstract class Step extends AbstractDescribableImpl<Step> implements ExtensionPoint {
    public abstract StepExecution start(StepContext context) throws Exception;
}
