package org.imagetree.pipeline;

import org.imagetree.blubber.VariantEngine;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.pipeline.execute.ChartPromoter;
import org.imagetree.pipeline.execute.CredentialResolver;
import org.imagetree.pipeline.execute.DockerBackend;
import org.imagetree.pipeline.execute.HelmDeployer;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.execute.PipelineBackend;
import org.imagetree.pipeline.execute.PipelineExecutor;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.model.PipelineConfig;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelinePlanner;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.PipelineConfigReader;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.registry.RegistryClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Service pipelines as Wikimedia's deployment pipeline describes them ({@code .pipeline/config.yaml}, PipelineLib's
 * v0 schema): the entry point the command line ({@code imagetree pipeline}) and the Jenkins step call. A run is the
 * engine's stages in order: read and check the config ({@link PipelineConfigReader}), model it with PipelineLib's
 * defaults ({@link PipelineModeler}), plan the selected pipelines ({@link PipelinePlanner}), check what a run needs
 * before anything starts, execute ({@link PipelineExecutor}), report ({@link PipelineRunResult}).
 *
 * <p>Stateless; everything a run uses comes in its {@link Request} and {@link Environment}.
 */
public final class ServicePipelines {
    private ServicePipelines() {}

    /**
     * What to run: the repository root, the config's path in it (PipelineLib's {@code configPath}, default
     * {@code .pipeline/config.yaml}), the pipelines (empty: all), the actions they may take (PipelineLib's
     * {@code allowedActions}: build, run, copy, publish, promote, deploy, exports, trigger, notify, blubberfile; empty:
     * all), the setup facts, the runner's settings, and how many stages may run at once.
     */
    public record Request(Path repository, String configPath, List<String> pipelines, Optional<Set<String>> allowedActions,
                          SetupFacts facts, PipelineSettings settings, int jobs) {
        public Request {
            repository = repository.toAbsolutePath().normalize();
            configPath = configPath == null || configPath.isEmpty() ? PipelineConfigReader.DEFAULT_PATH : configPath;
            pipelines = List.copyOf(pipelines);
            allowedActions = allowedActions.map(Set::copyOf);
            if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    /**
     * What a run runs on: the engine and registry ({@link PipelineBackend}), the credentials {@code run} steps may
     * give their containers, what only Jenkins can do ({@code trigger}, {@code notify}, {@code archive}), the process
     * environment (for git and helm: {@code PATH}, {@code HOME}) and the clock.
     */
    public record Environment(PipelineBackend backend, CredentialResolver credentials, JenkinsActions jenkins,
                              Map<String, String> env, Clock clock) {
        public Environment {
            env = Map.copyOf(env);
        }
    }

    /** The config of {@code request}, read and modelled. */
    public static PipelineConfig read(Request request) {
        return PipelineModeler.model(PipelineConfigReader.read(request.repository(), request.configPath()));
    }

    /**
     * The plan of the selected pipelines.
     *
     * @throws PipelineConfigException every problem of the config and of the selected pipelines, each at its line
     */
    public static PipelinePlan plan(Request request) {
        return PipelinePlanner.plan(read(request), new PipelinePlanner.Request(request.pipelines(), request.allowedActions(),
                request.facts(), request.settings()));
    }

    /**
     * Plans, checks that the run can do everything planned, then runs. Nothing is built when the config or a check
     * fails.
     *
     * @throws PipelineConfigException every problem found before the run, each {@code file:line: problem}
     * @throws InterruptedException    when the calling thread is interrupted (the teardown has run)
     */
    public static PipelineRunResult run(Request request, Environment environment, PipelineListener listener) throws InterruptedException {
        // The engine is asked whether it answers while the run is planned and checked: the first request pays for the
        // connection (and, in a fresh command-line JVM, for loading the engine's client), which then overlaps the plan.
        FutureTask<Optional<String>> engineProblem = new FutureTask<>(environment.backend()::engineProblem);
        Thread engineCheck = new Thread(engineProblem, "pipeline-engine-check");
        engineCheck.setDaemon(true);
        engineCheck.start();
        PipelinePlan plan = plan(request);
        Path work = workDirectory();
        try {
            PipelineExecutor executor = new PipelineExecutor(new PipelineExecutor.Services(environment.backend(), environment.credentials(),
                    environment.jenkins(), new HelmDeployer(request.settings(), environment.env(), work),
                    new ChartPromoter(request.settings(), environment.env()), environment.clock()),
                    request.settings(), request.facts(), request.repository(), work, request.jobs(), listener);
            List<String> problems = new ArrayList<>(executor.preflight(plan));
            if (needsEngine(plan)) engineProblem(engineProblem).ifPresent(problems::add);
            if (!problems.isEmpty()) throw PipelineConfigException.of(problems);
            return executor.run(plan);
        } finally {
            org.imagetree.execute.ScratchDirectories.delete(work);
        }
    }

    /**
     * The engine Image Tree already has, as a pipeline backend: builds, pushes and registry checks with the engine
     * config's registry, credentials and policy ({@code config} may be empty: no registry, no policy). One per run: it
     * pulls each base once, asks the registry for each base's digest once and compiles each Blubber variant once.
     *
     * @param docker a docker client that can use BuildKit (BuildKit variants, their pushes)
     */
    public static PipelineBackend dockerBackend(Optional<EngineConfig> config, DockerCli docker, DockerJavaEngine engine) {
        return dockerBackend(config, docker, engine, engine.containers());
    }

    /** {@link #dockerBackend(Optional, DockerCli, DockerJavaEngine)} on any engine and its containers. */
    public static PipelineBackend dockerBackend(Optional<EngineConfig> config, DockerCli docker, ContainerEngine engine,
                                                org.imagetree.execute.ContainerRuns containers) {
        VariantEngine variants = VariantEngine.forConfig(config, docker, engine).rememberingBaseDigests();
        Optional<RegistryClient> registry = config.filter(c -> !c.registry().isEmpty()).map(c -> RegistryClient.builder(c).build());
        Optional<ContainerEngine.RegistryAuth> auth = config.filter(c -> !c.registry().isEmpty()).flatMap(ContainerEngine.RegistryAuth::of);
        return new DockerBackend(variants, engine, containers, registry, auth,
                Path.of(System.getProperty("java.io.tmpdir")), org.imagetree.execute.ContainerRuns.DEFAULT_TIMEOUT);
    }

    /** Whether a stage that runs builds, runs, copies or publishes an image. */
    static boolean needsEngine(PipelinePlan plan) {
        return plan.pipelines().stream().flatMap(p -> p.stages().stream()).filter(PipelinePlan.PlannedStage::runs).map(PipelinePlan.PlannedStage::model)
                .anyMatch(s -> s.build().isPresent() || s.run().isPresent() || s.copy().isPresent() || s.publish().isPresent());
    }

    private static Optional<String> engineProblem(FutureTask<Optional<String>> check) throws InterruptedException {
        try {
            return check.get();
        } catch (ExecutionException e) {
            return Optional.of("the container engine does not answer: " + e.getCause().getMessage());
        }
    }

    private static Path workDirectory() {
        try {
            return Files.createTempDirectory("imagetree-pipeline-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's work directory", e);
        }
    }

}
