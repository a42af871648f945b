package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
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

/**
 * {@code servicePipeline}: the service pipelines a repository describes in {@code .pipeline/config.yaml} (Wikimedia's
 * PipelineLib, v0 schema), run by the engine as {@code imagetree pipeline run} runs them: stages in the execution
 * graph's order, independent ones in parallel, Blubber variants built, run, published to the engine config's registry
 * and verified. What only Jenkins does goes through the controller: {@code trigger} schedules the downstream job,
 * {@code notify} mails with the Mailer plugin, {@code copy.archive} keeps build artifacts, {@code run.credentials}
 * come from Jenkins credentials (masked). The parameters are PipelineBuilder's and PipelineRunner's: which pipelines,
 * the config path, {@code allowedActions} (so a merge job may publish and a test job may not),
 * {@code allowedTriggerJobs} and {@code allowedCredentials}. Each stage's outcome, images and digests go on the build
 * page ({@link ServicePipelineAction}). Returns {@code [succeeded:, pipelines: [[name:, timestamp:, succeeded:,
 * stages: [[name:, status:, reason:, millis:, images:, published: [[reference:, digest:]]]]]], published:, notRun:]};
 * a pipeline that fails fails the step (after the build page has its outcome).
 *
 * <pre>
 * servicePipeline allowedActions: ['build', 'run', 'copy', 'publish', 'exports', 'trigger'],
 *                 allowedTriggerJobs: ['deploy-service'], engineConfig: 'imagetree.yaml',
 *                 registry: [url: 'https://registry.example.org', credentialsId: 'registry']
 * </pre>
 */
public class ServicePipelineStep extends Step {
    private List<String> pipelines = List.of();
    private String configPath;
    private List<String> allowedActions;
    private List<String> allowedTriggerJobs = List.of();
    private List<String> allowedCredentials = List.of();
    private String directory;
    private Integer jobs;
    private DockerRegistryEndpoint registry;
    private String engineConfig;

    @DataBoundConstructor
    public ServicePipelineStep() {}

    public List<String> getPipelines() { return pipelines; }

    /** The pipelines to run, in this order (PipelineBuilder's {@code pipelineName}); empty: all, in the config's order. */
    @DataBoundSetter
    public void setPipelines(List<String> pipelines) { this.pipelines = pipelines == null ? List.of() : List.copyOf(pipelines); }

    public String getConfigPath() { return configPath; }

    /** PipelineBuilder's {@code pipelineConfigPath}, relative to {@link #getDirectory()}; null: {@code .pipeline/config.yaml}. */
    @DataBoundSetter
    public void setConfigPath(String configPath) { this.configPath = BlubberStep.blankTo(configPath, null); }

    public List<String> getAllowedActions() { return allowedActions; }

    /** PipelineBuilder's {@code allowedActions}: the stage keys a stage may have; null: every one. */
    @DataBoundSetter
    public void setAllowedActions(List<String> allowedActions) { this.allowedActions = allowedActions == null ? null : List.copyOf(allowedActions); }

    public List<String> getAllowedTriggerJobs() { return allowedTriggerJobs; }

    /** PipelineRunner's {@code allowedTriggerJobs}: the jobs a {@code trigger} may schedule; empty: none. */
    @DataBoundSetter
    public void setAllowedTriggerJobs(List<String> allowedTriggerJobs) {
        this.allowedTriggerJobs = allowedTriggerJobs == null ? List.of() : List.copyOf(allowedTriggerJobs);
    }

    public List<String> getAllowedCredentials() { return allowedCredentials; }

    /** PipelineRunner's {@code allowedCredentials} (ids; the binding follows the credential's type); empty: none. */
    @DataBoundSetter
    public void setAllowedCredentials(List<String> allowedCredentials) {
        this.allowedCredentials = allowedCredentials == null ? List.of() : List.copyOf(allowedCredentials);
    }

    public String getDirectory() { return directory; }

    /** The repository root in the workspace (null: the workspace). */
    @DataBoundSetter
    public void setDirectory(String directory) { this.directory = BlubberStep.blankTo(directory, null); }

    public Integer getJobs() { return jobs; }

    /** Stages run at the same time (null: the global default, else the agent's cores). */
    @DataBoundSetter
    public void setJobs(Integer jobs) { this.jobs = jobs; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public String getEngineConfig() { return engineConfig; }

    /** The Image Tree config file (registry, namespace, allowed_registries, pipeline settings), relative to the workspace. */
    @DataBoundSetter
    public void setEngineConfig(String engineConfig) { this.engineConfig = BlubberStep.blankTo(engineConfig, null); }

    /** Whether a stage may publish: only then is the registry's credential resolved and sent to the agent. */
    boolean mayPublish() { return allowedActions == null || allowedActions.contains("publish"); }

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
            StepDefaults defaults = defaults();
            String dir = step.directory == null ? "." : step.directory;
            EngineSettings settings = step.mayPublish()
                    ? settings(dir, step.engineConfig, step.registry, defaults)
                    : settingsWithoutCredentials(dir, step.engineConfig, step.registry, defaults);
            ControllerSide controller = controller();
            Run<?, ?> run = currentRun();
            FilePath workspace = workspace();
            EnvVars env = getContext().get(EnvVars.class);
            PipelineCallbacks callbacks = new ControllerCallbacks(controller, run, workspace, listener(), controller.authentication(),
                    step.allowedTriggerJobs, step.allowedCredentials, env == null ? null : env.get("BUILD_URL"));
            // Exported for the run's duration: the agent calls it back for trigger, notify, archive and credentials.
            PipelineCallbacks exported = workspace.getChannel().export(PipelineCallbacks.class, callbacks);
            ServicePipelineCall.Outcome outcome;
            try {
                outcome = workspace.act(new ServicePipelineCall(settings, step.configPath, step.pipelines, step.allowedActions,
                        defaults.jobsFor(step.jobs), controller.parameters(run),
                        new AgentPipelineActions(exported, step.allowedTriggerJobs, step.allowedCredentials), listener()));
            } finally {
                java.lang.ref.Reference.reachabilityFence(exported);
            }
            SecretMasker masker = new SecretMasker(settings.secrets());
            ServicePipelineAction.record(run, outcome.pipelines(), masker);
            if (!outcome.succeeded()) throw new AbortException(masker.mask(failure(outcome)));
            return result(outcome);
        }

        static String failure(ServicePipelineCall.Outcome outcome) {
            List<String> out = new ArrayList<>();
            for (ServicePipelineAction.PipelineSection p : outcome.pipelines()) {
                if (p.isSucceeded()) continue;
                for (ServicePipelineAction.StageRow s : p.getStages()) {
                    if ("failed".equals(s.getStatus())) out.add(p.getName() + "/" + s.getName() + ": " + s.getReason());
                }
            }
            String notRun = outcome.notRun().isEmpty() ? "" : "; not run: " + String.join(", ", outcome.notRun());
            return "service pipeline failed: " + (out.isEmpty() ? "a stage did not succeed" : String.join("; ", out)) + notRun;
        }

        static HashMap<String, Object> result(ServicePipelineCall.Outcome outcome) {
            HashMap<String, Object> out = new HashMap<>();
            out.put("succeeded", outcome.succeeded());
            ArrayList<HashMap<String, Object>> pipelines = new ArrayList<>();
            ArrayList<HashMap<String, Object>> published = new ArrayList<>();
            for (ServicePipelineAction.PipelineSection p : outcome.pipelines()) {
                pipelines.add(p.toMap());
                for (ServicePipelineAction.StageRow s : p.getStages()) for (ServicePipelineAction.Published x : s.getPublished()) published.add(x.toMap());
            }
            out.put("pipelines", pipelines);
            out.put("published", published);
            out.put("notRun", new ArrayList<>(outcome.notRun()));
            return out;
        }
    }

    @Extension
    @Symbol("servicePipeline")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("servicePipeline", ServicePipelineStep.class); }
    }
}
