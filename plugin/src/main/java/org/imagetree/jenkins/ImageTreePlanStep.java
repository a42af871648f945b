package org.imagetree.jenkins;

import hudson.Extension;
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
 * {@code imageTreePlan}: what {@code buildImageTree} would do, building nothing. Returns
 * {@code [images: [[name, tag, label, state, action, digest, reason, parents], ...], waves: [[name, ...], ...],
 * work: [name, ...]]}; images of one wave may build at the same time on different agents
 * ({@code buildImageTree select: image.label}).
 */
public class ImageTreePlanStep extends Step {
    private String directory = ".";
    private String config;
    private String select;
    private boolean nightly;
    private boolean snapshot;
    private boolean pull = true;
    private Boolean publish;
    private DockerRegistryEndpoint registry;

    @DataBoundConstructor
    public ImageTreePlanStep() {}

    public String getDirectory() { return directory; }

    @DataBoundSetter
    public void setDirectory(String directory) { this.directory = directory == null || directory.isBlank() ? "." : directory; }

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = config == null || config.isBlank() ? null : config; }

    public String getSelect() { return select; }

    @DataBoundSetter
    public void setSelect(String select) { this.select = select == null || select.isBlank() ? null : select; }

    public boolean isNightly() { return nightly; }

    @DataBoundSetter
    public void setNightly(boolean nightly) { this.nightly = nightly; }

    public boolean isSnapshot() { return snapshot; }

    @DataBoundSetter
    public void setSnapshot(boolean snapshot) { this.snapshot = snapshot; }

    public boolean isPull() { return pull; }

    @DataBoundSetter
    public void setPull(boolean pull) { this.pull = pull; }

    public Boolean getPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(Boolean publish) { this.publish = publish; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient ImageTreePlanStep step;

        Execution(ImageTreePlanStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected HashMap<String, Object> run() throws Exception {
            EngineSettings settings = settings(step.directory, step.config, step.registry, StepDefaults.current());
            AgentCalls.TreeOptions options = new AgentCalls.TreeOptions(step.select, step.nightly, step.snapshot, false,
                    step.pull, step.publish, null);
            TreeRun plan = workspace().act(new AgentCalls.PlanTree(settings, options, listener()));
            HashMap<String, Object> out = new HashMap<>();
            out.put("images", plan.maps());
            ArrayList<ArrayList<String>> waves = new ArrayList<>();
            for (List<String> w : plan.waves()) waves.add(new ArrayList<>(w));
            out.put("waves", waves);
            ArrayList<String> work = new ArrayList<>();
            for (ImageRow r : plan.rows()) if ("build".equals(r.getAction()) || "publish".equals(r.getAction())) work.add(r.getName());
            out.put("work", work);
            return out;
        }
    }

    @Extension
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("imageTreePlan", ImageTreePlanStep.class); }
    }
}
