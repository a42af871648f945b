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

import static org.imagetree.jenkins.BlubberBuildStep.blankTo;

/**
 * {@code servicePipeline}: the post-merge service pipeline (same as {@code imagetree blubber pipeline}). Builds the
 * test variant and runs it (a non-zero exit fails the step), builds the production variant, tags it
 * {@code <registry>/<namespace>/<project>:<UTC yyyy-MM-dd-HHmmss>-production} plus {@code tags}, labels it (OCI
 * source, revision, created) and publishes it. Returns {@code [testImageId:, productionImageId:, references:
 * [[reference:, digest:], ...]]}.
 *
 * <pre>
 * def r = servicePipeline config: '.pipeline/blubber.yaml', project: 'my-service', tags: [env.GIT_COMMIT.take(8)],
 *         source: env.GIT_URL, revision: env.GIT_COMMIT, registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class ServicePipelineStep extends Step {
    private String config = "blubber.yaml";
    private String context;
    private String testVariant = "test";
    private String productionVariant = "production";
    private String namespace;
    private String project;
    private List<String> tags = List.of();
    private List<String> buildArgs = List.of();
    private String source;
    private String revision;
    private boolean publish = true;
    private DockerRegistryEndpoint registry;
    private String engineConfig;
    private String policy;
    private String flavour;

    @DataBoundConstructor
    public ServicePipelineStep() {}

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = blankTo(config, "blubber.yaml"); }

    public String getContext() { return context; }

    @DataBoundSetter
    public void setContext(String context) { this.context = blankTo(context, null); }

    public String getTestVariant() { return testVariant; }

    @DataBoundSetter
    public void setTestVariant(String testVariant) { this.testVariant = blankTo(testVariant, "test"); }

    public String getProductionVariant() { return productionVariant; }

    @DataBoundSetter
    public void setProductionVariant(String productionVariant) { this.productionVariant = blankTo(productionVariant, "production"); }

    public String getNamespace() { return namespace; }

    @DataBoundSetter
    public void setNamespace(String namespace) { this.namespace = blankTo(namespace, null); }

    public String getProject() { return project; }

    @DataBoundSetter
    public void setProject(String project) { this.project = blankTo(project, null); }

    public List<String> getTags() { return tags; }

    @DataBoundSetter
    public void setTags(List<String> tags) { this.tags = tags == null ? List.of() : List.copyOf(tags); }

    public List<String> getBuildArgs() { return buildArgs; }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) { this.buildArgs = buildArgs == null ? List.of() : List.copyOf(buildArgs); }

    public String getSource() { return source; }

    @DataBoundSetter
    public void setSource(String source) { this.source = blankTo(source, null); }

    public String getRevision() { return revision; }

    @DataBoundSetter
    public void setRevision(String revision) { this.revision = blankTo(revision, null); }

    public boolean isPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(boolean publish) { this.publish = publish; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public String getEngineConfig() { return engineConfig; }

    @DataBoundSetter
    public void setEngineConfig(String engineConfig) { this.engineConfig = blankTo(engineConfig, null); }

    public String getPolicy() { return policy; }

    @DataBoundSetter
    public void setPolicy(String policy) { this.policy = blankTo(policy, null); }

    public String getFlavour() { return flavour; }

    @DataBoundSetter
    public void setFlavour(String flavour) { this.flavour = blankTo(flavour, null); }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient ServicePipelineStep step;

        Execution(ServicePipelineStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected HashMap<String, Object> run() throws Exception {
            EngineSettings settings = settings(".", step.engineConfig, step.registry, StepDefaults.current());
            BlubberCalls.Inputs inputs = new BlubberCalls.Inputs(step.config, step.context, new ArrayList<>(step.buildArgs), step.policy,
                    step.flavour);
            return workspace().act(new BlubberCalls.Pipeline(settings, inputs, step.testVariant, step.productionVariant, step.namespace,
                    step.project, step.tags, step.source, step.revision, step.publish, listener()));
        }
    }

    @Extension
    @Symbol("servicePipeline")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("servicePipeline", ServicePipelineStep.class); }
    }
}
