package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.pipeline.ServicePipelines;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.plan.GitFacts;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code servicePipeline} on the agent: the repository's {@code .pipeline/config.yaml} run by the engine
 * ({@link ServicePipelines#run}) with the engine config's registry, credentials and policy, the checkout's and the
 * build's setup facts, and the controller's {@link PipelineCallbacks} for what only Jenkins does. Nothing here decides
 * what a pipeline does: this call only adapts. The outcome comes back as plugin beans (the engine's classes do not
 * cross the channel).
 */
final class ServicePipelineCall extends AgentCalls.EngineCall<ServicePipelineCall.Outcome> {
    private static final long serialVersionUID = 1L;
    private final String configPath;
    private final ArrayList<String> pipelines;
    private final ArrayList<String> allowedActions; // null: every action
    private final Integer jobs; // null: the agent's cores
    private final java.util.HashMap<String, String> params;
    private final AgentPipelineActions actions;

    /** What comes back: each pipeline run, and the pipelines not run because one before them failed. */
    record Outcome(ArrayList<ServicePipelineAction.PipelineSection> pipelines, ArrayList<String> notRun) implements Serializable {
        private static final long serialVersionUID = 1L;

        boolean succeeded() { return notRun.isEmpty() && pipelines.stream().allMatch(ServicePipelineAction.PipelineSection::isSucceeded); }
    }

    ServicePipelineCall(EngineSettings settings, String configPath, List<String> pipelines, List<String> allowedActions, Integer jobs,
                        Map<String, String> params, AgentPipelineActions actions, TaskListener listener) {
        super(settings, listener);
        this.configPath = configPath;
        this.pipelines = new ArrayList<>(pipelines);
        this.allowedActions = allowedActions == null ? null : new ArrayList<>(allowedActions);
        this.jobs = jobs;
        this.params = new java.util.HashMap<>(params);
        this.actions = actions;
    }

    @Override
    Outcome call(File workspace, EngineConfig config, ConsoleBuildListener console) throws IOException, InterruptedException {
        Path repository = settings.imageDirectory(workspace);
        if (!Files.isDirectory(repository)) throw new AbortException("servicePipeline: no directory " + settings.directory() + " in the workspace");
        Map<String, String> env = settings.env();
        ServicePipelines.Request request = new ServicePipelines.Request(repository, configPath, pipelines,
                Optional.ofNullable(allowedActions).map(HashSet::new), facts(repository, env, params), PipelineSettings.from(config), AgentCalls.jobs(jobs));
        DockerCli docker;
        try {
            docker = DockerCli.locateWithBuildKit(env);
        } catch (IllegalStateException e) {
            throw new AbortException(e.getMessage());
        }
        AgentPipelineActions jenkins = actions.in(workspace.toPath());
        PipelineRunResult result;
        try (DockerJavaEngine engine = DockerJavaEngine.fromEnvironment(env)) {
            ServicePipelines.Environment environment = new ServicePipelines.Environment(ServicePipelines.dockerBackend(Optional.of(config), docker, engine),
                    jenkins, jenkins, env, Clock.systemUTC());
            result = ServicePipelines.run(request, environment, new ConsoleListener(console));
        } catch (PipelineConfigException e) {
            for (String line : e.lines()) console.println("error: " + line);
            throw new AbortException(e.lines().size() + " problem(s) in " + request.configPath() + ", nothing run: " + e.lines().get(0));
        }
        ArrayList<ServicePipelineAction.PipelineSection> sections = new ArrayList<>();
        for (PipelineOutcome p : result.pipelines()) sections.add(section(p));
        return new Outcome(sections, new ArrayList<>(result.notRun()));
    }

    /**
     * PipelineLib's setup facts in Jenkins: the checkout's variables from the build's environment (the git plugin's
     * {@code GIT_URL}, {@code GIT_COMMIT}, {@code GIT_BRANCH}, …), else read from the checkout; the log URL
     * ({@code BUILD_URL}console), the labels {@code jenkins.job} and {@code jenkins.build} ({@code JOB_NAME},
     * {@code BUILD_ID}), the build's parameters.
     */
    static SetupFacts facts(Path repository, Map<String, String> env, Map<String, String> params) {
        String logUrl = env.get("BUILD_URL") == null ? "" : env.get("BUILD_URL") + "console";
        SetupFacts git = GitFacts.read(repository, env, logUrl);
        String remote = env.getOrDefault("GIT_URL", git.remote());
        String commit = env.getOrDefault("GIT_COMMIT", git.commit());
        String branch = env.getOrDefault("GIT_LOCAL_BRANCH", env.getOrDefault("GIT_BRANCH", git.branch()));
        String tag = env.getOrDefault("TAG_NAME", git.tag());
        Path name = repository.getFileName();
        String project = SetupFacts.projectOf(remote).orElse(name == null ? "project" : name.toString());
        Map<String, String> checkout = new LinkedHashMap<>(SetupFacts.gitVariables(commit, branch, remote));
        env.forEach((k, v) -> { if (k.startsWith("GIT_")) checkout.put(k, v); });
        Map<String, String> labels = new LinkedHashMap<>();
        if (env.get("JOB_NAME") != null) labels.put("jenkins.job", env.get("JOB_NAME"));
        if (env.get("BUILD_ID") != null) labels.put("jenkins.build", env.get("BUILD_ID"));
        return new SetupFacts(project, commit, branch, remote, tag, logUrl, params, checkout, labels);
    }

    static ServicePipelineAction.PipelineSection section(PipelineOutcome p) {
        List<ServicePipelineAction.StageRow> rows = new ArrayList<>();
        for (StageResult s : p.stages()) {
            List<String> images = s.images().stream().map(i -> i.variant() + ": " + i.id() + " (" + i.localName() + ")").toList();
            List<ServicePipelineAction.Published> published = s.published().stream()
                    .map(x -> new ServicePipelineAction.Published(x.reference(), x.digest())).toList();
            rows.add(new ServicePipelineAction.StageRow(s.stage(), s.status().name().toLowerCase(Locale.ROOT).replace('_', '-'), s.reason(),
                    s.duration().toMillis(), images, published));
        }
        return new ServicePipelineAction.PipelineSection(p.name(), p.timestamp(), p.succeeded(), rows, p.teardownProblems());
    }

    /** The run's progress on the build log, as the command line prints it (lines already masked by the engine). */
    private record ConsoleListener(ConsoleBuildListener console) implements PipelineListener {
        @Override public void pipelineStarted(String p, String timestamp, List<List<String>> frames) {
            console.println("[pipeline] == " + p + " (timestamp " + timestamp + ") ==");
        }

        @Override public void stageStarted(String p, String stage) { console.println("[pipeline] stage " + p + "/" + stage); }

        @Override public void log(String p, String stage, String line) { console.println("[" + p + "/" + stage + "] " + line); }

        @Override public void stageFinished(StageResult r) {
            console.println("[pipeline] stage " + r.pipeline() + "/" + r.stage() + " " + r.status().name().toLowerCase(Locale.ROOT)
                    + (r.reason().isEmpty() ? "" : ": " + r.reason()));
            for (StageResult.PublishedImage x : r.published()) console.println("[pipeline] published " + x.reference() + "@" + x.digest());
        }
    }
}
