package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.HashMap;

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
public class ServicePipelineStep extends BlubberStep {
    private String testVariant = "test";
    private String productionVariant = "production";
    private String namespace;
    private String project;
    private String source;
    private String revision;
    private boolean publish = true;

    @DataBoundConstructor
    public ServicePipelineStep() {}

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

    public String getSource() { return source; }

    @DataBoundSetter
    public void setSource(String source) { this.source = blankTo(source, null); }

    public String getRevision() { return revision; }

    @DataBoundSetter
    public void setRevision(String revision) { this.revision = blankTo(revision, null); }

    public boolean isPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(boolean publish) { this.publish = publish; }

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
            EngineSettings settings = step.publish
                    ? settings(".", step.getEngineConfig(), step.getRegistry(), defaults())
                    : settingsWithoutCredentials(".", step.getEngineConfig(), step.getRegistry(), defaults());
            return workspace().act(new BlubberCalls.Pipeline(settings, step.inputs(), step.testVariant, step.productionVariant, step.namespace,
                    step.project, step.getTags(), step.source, step.revision, step.publish, listener()));
        }
    }

    @Extension
    @Symbol("servicePipeline")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("servicePipeline", ServicePipelineStep.class); }
    }
}
