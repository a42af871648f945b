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
 * {@code buildImageTree}: the production-tree build (docker-pkg's {@code build}) on the agent's Docker Engine.
 * Returns one map per image: {@code name, tag, label, state, digest, reason, duration, parents}.
 *
 * <pre>
 * def images = buildImageTree directory: 'images', config: 'config.yaml', registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class BuildImageTreeStep extends TreePlanningStep {
    private boolean useCache;
    private Integer jobs;
    private boolean unstableOnFailure;
    private String tagSuffix;
    private List<String> images;
    private List<String> parentDigests;

    @DataBoundConstructor
    public BuildImageTreeStep() {}

    public boolean isUseCache() { return useCache; }

    @DataBoundSetter
    public void setUseCache(boolean useCache) { this.useCache = useCache; }

    public Integer getJobs() { return jobs; }

    @DataBoundSetter
    public void setJobs(Integer jobs) { this.jobs = jobs == null || jobs < 1 ? null : jobs; }

    public boolean isUnstableOnFailure() { return unstableOnFailure; }

    /** Failed images mark the build unstable (and the step returns) instead of failing the step. */
    @DataBoundSetter
    public void setUnstableOnFailure(boolean unstableOnFailure) { this.unstableOnFailure = unstableOnFailure; }

    public String getTagSuffix() { return tagSuffix; }

    /** The tag suffix an {@code imageTreePlan} fixed ({@code plan.tagSuffix}), so every partition tags alike. */
    @DataBoundSetter
    public void setTagSuffix(String tagSuffix) { this.tagSuffix = tagSuffix == null || tagSuffix.isBlank() ? null : tagSuffix.strip(); }

    public List<String> getImages() { return images; }

    /** Build only these images (names; a plan's partition, {@code plan.partitions[i]}); unset: all the plan's work. */
    @DataBoundSetter
    public void setImages(List<String> images) { this.images = images == null ? null : List.copyOf(images); }

    public List<String> getParentDigests() { return parentDigests; }

    /** {@code label@digest} of published parents a plan saw ({@code plan.parentDigests}): checked before building. */
    @DataBoundSetter
    public void setParentDigests(List<String> parentDigests) {
        this.parentDigests = parentDigests == null || parentDigests.isEmpty() ? null : List.copyOf(parentDigests);
    }

    AgentCalls.TreeOptions options(StepDefaults defaults) {
        AgentCalls.TreeOptions o = treeOptions(useCache, defaults.jobsFor(jobs));
        return new AgentCalls.TreeOptions(o.select(), o.nightly(), o.snapshot(), o.useCache(), o.pull(), o.publish(), o.jobs(),
                tagSuffix, images == null ? null : new ArrayList<>(images), parentDigests == null ? null : new ArrayList<>(parentDigests));
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final transient BuildImageTreeStep step;

        Execution(BuildImageTreeStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected ArrayList<HashMap<String, Object>> run() throws Exception {
            StepDefaults defaults = defaults();
            EngineSettings settings = settings(step.getDirectory(), step.getConfig(), step.getRegistry(), defaults);
            TreeRun result = workspace().act(new AgentCalls.BuildTree(settings, step.options(defaults), listener()));
            ImageTreeAction.record(currentRun(), step.getDirectory(), result.rows(), result.summary(), new SecretMasker(settings.secrets()));
            List<String> failed = result.failed().stream().map(r -> r.getName() + " (" + r.getState() + ")").toList();
            failOrMarkUnstable(failed, "image(s)", step.unstableOnFailure);
            return result.maps();
        }
    }

    @Extension
    @Symbol("buildImageTree")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("buildImageTree", BuildImageTreeStep.class); }
    }
}
