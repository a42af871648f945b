package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.HashMap;

/**
 * {@code blubberBuild}: builds one Blubber variant on the agent's Docker Engine (same as {@code imagetree blubber
 * build}) and optionally pushes every tag. Returns {@code [variant:, imageId:, buildKit:, references: [[reference:,
 * digest:], ...]]}.
 *
 * <pre>
 * def r = blubberBuild config: '.pipeline/blubber.yaml', variant: 'production', tags: ["registry.example.org/svc:${env.GIT_COMMIT}"],
 *         publish: true, registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class BlubberBuildStep extends BlubberStep {
    private final String variant;
    private boolean publish;

    @DataBoundConstructor
    public BlubberBuildStep(String variant) {
        this.variant = variant == null ? "" : variant.strip();
    }

    public String getVariant() { return variant; }

    public boolean isPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(boolean publish) { this.publish = publish; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient BlubberBuildStep step;

        Execution(BlubberBuildStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected HashMap<String, Object> run() throws Exception {
            if (step.variant.isEmpty()) throw new hudson.AbortException("blubberBuild: variant is required");
            // Credentials only for a push: a build that does not publish gets no secret on its agent.
            EngineSettings settings = step.publish
                    ? settings(".", step.getEngineConfig(), step.getRegistry(), defaults())
                    : settingsWithoutCredentials(".", step.getEngineConfig(), step.getRegistry(), defaults());
            return workspace().act(new BlubberCalls.Build(settings, step.inputs(), step.variant, step.getTags(), step.publish, listener()));
        }
    }

    @Extension
    @Symbol("blubberBuild")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("blubberBuild", BlubberBuildStep.class); }
    }
}
