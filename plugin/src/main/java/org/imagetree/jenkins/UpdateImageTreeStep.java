package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import hudson.model.Descriptor;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * {@code updateImageTree}: docker-pkg's {@code update}, a changelog entry for an image and every image below it
 * (security updates). Returns {@code [[name, oldVersion, newVersion, changelog], ...]}; commit the changed
 * changelogs with {@code sh 'git commit -a ...'}.
 */
public class UpdateImageTreeStep extends TreeStep {
    private final String name;
    private String reason = "Security update";
    private String version;

    @DataBoundConstructor
    public UpdateImageTreeStep(String name) throws Descriptor.FormException {
        if (name == null || name.isBlank()) throw new Descriptor.FormException("image name is required", "name");
        this.name = name.strip();
    }

    public String getName() { return name; }

    public String getReason() { return reason; }

    @DataBoundSetter
    public void setReason(String reason) { this.reason = reason == null || reason.isBlank() ? "Security update" : reason; }

    public String getVersion() { return version; }

    @DataBoundSetter
    public void setVersion(String version) { this.version = version == null || version.isBlank() ? null : version.strip(); }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final transient UpdateImageTreeStep step;

        Execution(UpdateImageTreeStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected ArrayList<HashMap<String, Object>> run() throws Exception {
            // Never pushes: no credential is resolved.
            EngineSettings settings = settingsWithoutCredentials(step.getDirectory(), step.getConfig(), null, defaults());
            return workspace().act(new AgentCalls.UpdateTree(settings, step.name, step.reason, step.version, listener()));
        }
    }

    @Extension
    @Symbol("updateImageTree")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("updateImageTree", UpdateImageTreeStep.class); }
    }
}
