package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * {@code refreshImageTree}: the scheduled weekly job (same as {@code imagetree refresh}): base images, then every
 * changelog of every tree bumped to today ({@code weekly_author}, {@code weekly_exclude}, {@code weekly_reason}), then
 * every tree built and published on the fresh bases. A failing distro or image does not stop the rest. Committing
 * the bumped changelogs is left to the Pipeline. Returns {@code [bases: [...], trees: [[directory:, bumps:, images:]]]}.
 *
 * <pre>
 * def r = refreshImageTree directories: ['images', 'istio'], config: 'config.yaml',
 *         registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class RefreshImageTreeStep extends BaseImageStep {
    private final List<String> directories;
    private Integer jobs;

    @DataBoundConstructor
    public RefreshImageTreeStep(List<String> directories) {
        List<String> out = new ArrayList<>();
        if (directories != null) for (String d : directories) if (d != null && !d.isBlank()) out.add(d.strip());
        this.directories = List.copyOf(out);
    }

    public List<String> getDirectories() { return directories; }

    public Integer getJobs() { return jobs; }

    @DataBoundSetter
    public void setJobs(Integer jobs) { this.jobs = jobs == null || jobs < 1 ? null : jobs; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RefreshImageTreeStep step;

        Execution(RefreshImageTreeStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected HashMap<String, Object> run() throws Exception {
            if (step.directories.isEmpty()) throw new AbortException("refreshImageTree: directories is required");
            StepDefaults defaults = defaults();
            EngineSettings settings = settings(".", step.getConfig(), step.getRegistry(), defaults);
            RefreshRun result = workspace().act(new BaseImageCalls.RefreshTrees(settings, step.inputs(), step.directories,
                    defaults.jobsFor(step.jobs), listener()));
            Run<?, ?> run = currentRun();
            List<String> failures = new ArrayList<>(BaseImageCalls.failedDistros(result.bases()));
            for (RefreshRun.Tree tree : result.trees()) {
                ImageTreeAction.record(run, tree.directory(), tree.build().rows(), tree.build().summary(), new SecretMasker(settings.secrets()));
                for (ImageRow r : tree.build().failed()) failures.add(tree.directory() + ": " + r.getName() + " (" + r.getState() + ")");
            }
            failOrMarkUnstable(failures, "base image(s) or image(s)", step.isUnstableOnFailure());
            return result.map();
        }
    }

    @Extension
    @Symbol("refreshImageTree")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("refreshImageTree", RefreshImageTreeStep.class); }
    }
}
