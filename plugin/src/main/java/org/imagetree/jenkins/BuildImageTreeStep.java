package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code buildImageTree}: the production-tree build (docker-pkg's {@code build}) on the agent's Docker Engine.
 * Returns one map per image: {@code name, tag, label, state, digest, reason, duration, parents}.
 *
 * <pre>
 * def images = buildImageTree directory: 'images', config: 'config.yaml', registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class BuildImageTreeStep extends Step {
    private String directory = ".";
    private String config;
    private String select;
    private boolean nightly;
    private boolean snapshot;
    private boolean useCache;
    private boolean pull = true;
    private Integer jobs;
    private Boolean publish;
    private DockerRegistryEndpoint registry;
    private boolean unstableOnFailure;

    @DataBoundConstructor
    public BuildImageTreeStep() {}

    public String getDirectory() { return directory; }

    @DataBoundSetter
    public void setDirectory(String directory) { this.directory = directory == null || directory.isBlank() ? "." : directory; }

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = blankToNull(config); }

    public String getSelect() { return select; }

    @DataBoundSetter
    public void setSelect(String select) { this.select = blankToNull(select); }

    public boolean isNightly() { return nightly; }

    @DataBoundSetter
    public void setNightly(boolean nightly) { this.nightly = nightly; }

    public boolean isSnapshot() { return snapshot; }

    @DataBoundSetter
    public void setSnapshot(boolean snapshot) { this.snapshot = snapshot; }

    public boolean isUseCache() { return useCache; }

    @DataBoundSetter
    public void setUseCache(boolean useCache) { this.useCache = useCache; }

    public boolean isPull() { return pull; }

    @DataBoundSetter
    public void setPull(boolean pull) { this.pull = pull; }

    public Integer getJobs() { return jobs; }

    @DataBoundSetter
    public void setJobs(Integer jobs) { this.jobs = jobs == null || jobs < 1 ? null : jobs; }

    public Boolean getPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(Boolean publish) { this.publish = publish; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public boolean isUnstableOnFailure() { return unstableOnFailure; }

    /** Failed images mark the build unstable (and the step returns) instead of failing the step. */
    @DataBoundSetter
    public void setUnstableOnFailure(boolean unstableOnFailure) { this.unstableOnFailure = unstableOnFailure; }

    AgentCalls.TreeOptions options(StepDefaults defaults) {
        Integer j = jobs != null ? jobs : defaults.jobs() > 0 ? defaults.jobs() : null;
        return new AgentCalls.TreeOptions(select, nightly, snapshot, useCache, pull, publish, j);
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
            StepDefaults defaults = StepDefaults.current();
            EngineSettings settings = settings(step.directory, step.config, step.registry, defaults);
            TreeRun result = workspace().act(new AgentCalls.BuildTree(settings, step.options(defaults), listener()));
            Run<?, ?> run = currentRun();
            run.addAction(new ImageTreeAction(step.directory, result.rows(), result.summary()));
            List<ImageRow> failed = result.failed();
            if (!failed.isEmpty()) {
                String names = failed.stream().map(r -> r.getName() + " (" + r.getState() + ")").collect(Collectors.joining(", "));
                if (!step.unstableOnFailure) throw new AbortException(failed.size() + " image(s) not built: " + names);
                listener().getLogger().println("[imagetree] build unstable: " + names);
                run.setResult(Result.UNSTABLE);
            }
            return result.maps();
        }
    }

    @Extension
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("buildImageTree", BuildImageTreeStep.class); }
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s; }
}
