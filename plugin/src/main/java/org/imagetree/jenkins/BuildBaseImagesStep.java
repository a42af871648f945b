package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * {@code buildBaseImages}: Debian base images built with debuerreotype on the agent (as root), written as
 * reproducible OCI images and published as {@code <registry>/<namespace>/<distro>:YYYYMMDD} and {@code :latest}
 * (same as {@code imagetree base build}). Every distro is attempted; returns one map per distro:
 * {@code distro, tags, digest, duration, error, epoch, snapshot}.
 *
 * <pre>
 * def bases = buildBaseImages distros: ['bookworm', 'trixie'], config: 'config.yaml',
 *         registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class BuildBaseImagesStep extends BaseImageStep {
    private Boolean publish;

    @DataBoundConstructor
    public BuildBaseImagesStep() {}

    public Boolean getPublish() { return publish; }

    /** Push both tags (default: with credentials or a loopback/insecure registry, as {@code buildImageTree}). */
    @DataBoundSetter
    public void setPublish(Boolean publish) { this.publish = publish; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final transient BuildBaseImagesStep step;

        Execution(BuildBaseImagesStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected ArrayList<HashMap<String, Object>> run() throws Exception {
            EngineSettings settings = settings(".", step.getConfig(), step.getRegistry(), defaults());
            ArrayList<HashMap<String, Object>> bases = workspace().act(
                    new BaseImageCalls.BuildBases(settings, step.inputs(), step.publish, listener()));
            failOrMarkUnstable(BaseImageCalls.failedDistros(bases), "base image(s)", step.isUnstableOnFailure());
            return bases;
        }
    }

    @Extension
    @Symbol("buildBaseImages")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("buildBaseImages", BuildBaseImagesStep.class); }
    }
}
