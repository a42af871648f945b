package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.HashMap;

/**
 * {@code imageTreeSecurityUpdate}: scan, then add a changelog entry to each image that installed an outdated package
 * itself and to its dependants (all or nothing), the reason naming each package and version. Returns
 * {@code [bumps: [[name, oldVersion, newVersion, changelog, reason]], bases: [[base, image, packages]]]}; commit the
 * changelogs and run {@code buildImageTree}; {@code bases} lists base images to rebuild ({@code refreshImageTree}).
 */
public class ImageTreeSecurityUpdateStep extends TreeStep {
    private DockerRegistryEndpoint registry;

    @DataBoundConstructor
    public ImageTreeSecurityUpdateStep() {}

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient ImageTreeSecurityUpdateStep step;

        Execution(ImageTreeSecurityUpdateStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected HashMap<String, Object> run() throws Exception {
            EngineSettings settings = step.registry != null && step.registry.getCredentialsId() != null
                    ? settings(step.getDirectory(), step.getConfig(), step.registry, defaults())
                    : settingsWithoutCredentials(step.getDirectory(), step.getConfig(), step.registry, defaults());
            return workspace().act(new SecurityCalls.Update(settings, listener()));
        }
    }

    @Extension
    @Symbol("imageTreeSecurityUpdate")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("imageTreeSecurityUpdate", ImageTreeSecurityUpdateStep.class); }
    }
}
