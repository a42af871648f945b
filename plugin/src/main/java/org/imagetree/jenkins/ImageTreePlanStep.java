package org.imagetree.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
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
 * work: [name, ...], tagSuffix:, parentDigests: [label@digest, ...], partitions: [[name, ...], ...]]}; each partition
 * (whole subtrees) can be built on its own agent at the same time with
 * {@code buildImageTree images: plan.partitions[i], tagSuffix: plan.tagSuffix, parentDigests: plan.parentDigests}.
 */
public class ImageTreePlanStep extends TreePlanningStep {
    private Integer partitions;

    @DataBoundConstructor
    public ImageTreePlanStep() {}

    public Integer getPartitions() { return partitions; }

    /** Cut the work into this many partitions of whole subtrees, balanced by critical path ({@code plan.partitions}). */
    @DataBoundSetter
    public void setPartitions(Integer partitions) { this.partitions = partitions == null || partitions < 1 ? null : partitions; }

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
            StepDefaults defaults = defaults();
            // The credential is resolved only for a plan told to publish; with publish unset and a credential
            // configured, the plan is the one of the build that would run with it (it publishes), without the secret.
            boolean explicitPublish = Boolean.TRUE.equals(step.getPublish());
            EngineSettings settings = explicitPublish
                    ? settings(step.getDirectory(), step.getConfig(), step.getRegistry(), defaults)
                    : settingsWithoutCredentials(step.getDirectory(), step.getConfig(), step.getRegistry(), defaults);
            Boolean publish = step.getPublish() != null ? step.getPublish()
                    : credentialsId(step.getRegistry(), defaults) != null ? Boolean.TRUE : null;
            TreeRun plan = workspace().act(new AgentCalls.PlanTree(settings, step.treeOptions(false, null, publish), listener()));
            HashMap<String, Object> out = new HashMap<>();
            out.put("images", plan.maps());
            ArrayList<ArrayList<String>> waves = new ArrayList<>();
            for (List<String> w : plan.waves()) waves.add(new ArrayList<>(w));
            out.put("waves", waves);
            ArrayList<String> work = new ArrayList<>();
            for (ImageRow r : plan.rows()) if ("build".equals(r.getAction()) || "publish".equals(r.getAction())) work.add(r.getName());
            out.put("work", work);
            // What every partition's buildImageTree must share: the tag suffix and the published parents' digests.
            out.put("tagSuffix", plan.tagSuffix());
            out.put("parentDigests", plan.parentDigests());
            ArrayList<ArrayList<String>> parts = new ArrayList<>();
            for (List<String> p : Partitions.of(plan.rows(), step.partitions == null ? 1 : step.partitions)) parts.add(new ArrayList<>(p));
            out.put("partitions", parts);
            return out;
        }
    }

    @Extension
    @Symbol("imageTreePlan")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("imageTreePlan", ImageTreePlanStep.class); }
    }
}
