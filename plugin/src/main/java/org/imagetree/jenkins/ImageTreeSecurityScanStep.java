package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * {@code imageTreeSecurityScan}: for the scheduled security job. Reads each published image's installed Debian packages
 * from the registry and compares them with the config's {@code security_sources}; returns
 * {@code [[name, tag, digest, suite, packages: [[name, installed, available, from]]], ...]}. With
 * {@code unstableIfOutdated} the build is marked UNSTABLE when an image has a newer package available.
 */
public class ImageTreeSecurityScanStep extends TreeStep {
    private DockerRegistryEndpoint registry;
    private List<String> images;
    private boolean unstableIfOutdated;

    @DataBoundConstructor
    public ImageTreeSecurityScanStep() {}

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public List<String> getImages() { return images; }

    /** Image references to scan instead of the tree (service images). */
    @DataBoundSetter
    public void setImages(List<String> images) { this.images = images == null || images.isEmpty() ? null : List.copyOf(images); }

    public boolean isUnstableIfOutdated() { return unstableIfOutdated; }

    @DataBoundSetter
    public void setUnstableIfOutdated(boolean unstableIfOutdated) { this.unstableIfOutdated = unstableIfOutdated; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final transient ImageTreeSecurityScanStep step;

        Execution(ImageTreeSecurityScanStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected ArrayList<HashMap<String, Object>> run() throws Exception {
            // A scan only reads: it resolves a credential only when the step names one itself, never the global
            // publisher credential (which stays on the controller for steps that push).
            boolean ownCredential = step.registry != null && step.registry.getCredentialsId() != null;
            EngineSettings settings = ownCredential
                    ? settings(step.getDirectory(), step.getConfig(), step.registry, defaults())
                    : settingsWithoutCredentials(step.getDirectory(), step.getConfig(), step.registry, defaults());
            ArrayList<HashMap<String, Object>> images = workspace().act(new SecurityCalls.Scan(settings, step.images, listener()));
            boolean pending = images.stream().anyMatch(i -> i.get("packages") instanceof List<?> p && !p.isEmpty());
            if (pending && step.unstableIfOutdated) {
                markUnstable("security updates pending");
            }
            return images;
        }
    }

    @Extension
    @Symbol("imageTreeSecurityScan")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("imageTreeSecurityScan", ImageTreeSecurityScanStep.class); }
    }
}
