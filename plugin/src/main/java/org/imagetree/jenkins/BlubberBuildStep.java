package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

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
public class BlubberBuildStep extends Step {
    private final String variant;
    private String config = "blubber.yaml";
    private String context;
    private List<String> tags = List.of();
    private List<String> buildArgs = List.of();
    private boolean publish;
    private DockerRegistryEndpoint registry;
    private String engineConfig;
    private String policy;
    private String flavour;

    @DataBoundConstructor
    public BlubberBuildStep(String variant) {
        this.variant = variant == null ? "" : variant.strip();
    }

    public String getVariant() { return variant; }

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = blankTo(config, "blubber.yaml"); }

    public String getContext() { return context; }

    @DataBoundSetter
    public void setContext(String context) { this.context = blankTo(context, null); }

    public List<String> getTags() { return tags; }

    @DataBoundSetter
    public void setTags(List<String> tags) { this.tags = tags == null ? List.of() : List.copyOf(tags); }

    public List<String> getBuildArgs() { return buildArgs; }

    /** {@code NAME=VALUE} entries. */
    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) { this.buildArgs = buildArgs == null ? List.of() : List.copyOf(buildArgs); }

    public boolean isPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(boolean publish) { this.publish = publish; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public String getEngineConfig() { return engineConfig; }

    /** The Image Tree config file (registry, namespace, allowed_registries), relative to the workspace. */
    @DataBoundSetter
    public void setEngineConfig(String engineConfig) { this.engineConfig = blankTo(engineConfig, null); }

    public String getPolicy() { return policy; }

    /** A Blubber policy file, relative to the workspace. */
    @DataBoundSetter
    public void setPolicy(String policy) { this.policy = blankTo(policy, null); }

    public String getFlavour() { return flavour; }

    /** {@code auto} (default), {@code classic} or {@code buildkit}. */
    @DataBoundSetter
    public void setFlavour(String flavour) { this.flavour = blankTo(flavour, null); }

    static String blankTo(String s, String fallback) { return s == null || s.isBlank() ? fallback : s.strip(); }

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
            EngineSettings settings = settings(".", step.engineConfig, step.registry, StepDefaults.current());
            BlubberCalls.Inputs inputs = new BlubberCalls.Inputs(step.config, step.context, new ArrayList<>(step.buildArgs), step.policy,
                    step.flavour);
            return workspace().act(new BlubberCalls.Build(settings, inputs, step.variant, step.tags, step.publish, listener()));
        }
    }

    @Extension
    @Symbol("blubberBuild")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("blubberBuild", BlubberBuildStep.class); }
    }
}
