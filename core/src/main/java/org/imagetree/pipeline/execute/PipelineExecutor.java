package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupBindings;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The execute stage: planned pipelines run on the engine, one pipeline after the other (PipelineLib stops at the first
 * that fails). Within a pipeline, a stage starts once every stage that leads to it in the execution graph has
 * succeeded, so independent stages run at the same time (at most {@code jobs}); a failed stage skips what depends on
 * it while the others finish, sends its {@code notify}, and fails the pipeline. Each stage runs its steps in
 * PipelineLib's order, evaluating their values in its {@link ExecutionContext}. The teardown always runs: the
 * containers and local image names of the run are removed, its helm releases uninstalled.
 *
 * <p>This class is the scheduler over the graph; {@link StageRun} runs a stage's steps, each step kind in its own class
 * ({@link BuildStep}, {@link RunStep}, {@link CopyStep}, {@link PublishStep}, {@link PromoteStep}, {@link DeployStep},
 * {@link TriggerStep}, {@link NotifyStep}), and {@link RunResources} keeps what the run made for the teardown.
 *
 * <p>One executor per run; no global state.
 */
public final class PipelineExecutor {
    /** What the steps run on. */
    public record Services(PipelineBackend backend, CredentialResolver credentials, JenkinsActions jenkins, HelmDeployer helm,
                           ChartPromoter charts, Clock clock) {}

    private final Services services;
    private final PipelineSettings settings;
    private final SetupFacts facts;
    private final Path repository;
    private final Path workDirectory;
    private final int jobs;
    private final PipelineListener listener;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param repository    the repository root ({@code .pipeline/} is in it)
     * @param workDirectory private to this run: inline blubberfiles, prepared contexts, helm values
     */
    public PipelineExecutor(Services services, PipelineSettings settings, SetupFacts facts, Path repository, Path workDirectory,
                            int jobs, PipelineListener listener) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
        this.services = services;
        this.settings = settings;
        this.facts = facts;
        this.repository = repository.toAbsolutePath().normalize();
        this.workDirectory = workDirectory;
        this.jobs = jobs;
        this.listener = listener;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Before anything runs

    /**
     * Everything that would stop a stage that is planned to run, found before any runs: a publish without a registry,
     * deploy without helm or a cluster, promote without a charts checkout, a trigger or a credential this place cannot
     * give, the working directory missing, a Blubber config, variant, base or context a build cannot use. Each problem
     * is a line {@code file:line: problem}.
     */
    public List<String> preflight(PipelinePlan plan) {
        List<String> out = new ArrayList<>();
        for (var problem : plan.stepProblems()) out.add(problem.format(plan.file()));
        Set<String> buildProblems = new java.util.HashSet<>(); // one report per problem, not one per stage that has it
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            Path dir = repository.resolve(p.directory()).normalize();
            boolean dirExists = Files.isDirectory(dir);
            if (!dirExists) out.add(plan.file() + ":" + p.model().line() + ": pipeline '" + p.name() + "': the directory '"
                    + p.directory() + "' does not exist in " + repository);
            for (PipelinePlan.PlannedStage s : p.stages()) {
                if (!s.runs()) continue;
                Stage stage = s.model();
                String at = plan.file() + ":%d: stage '" + stage.name() + "' of pipeline '" + p.name() + "': ";
                stage.build().ifPresent(b -> {
                    if (!(s.steps().get("build") instanceof Map<?, ?> m)) return;
                    if (m.get("blubberfile") instanceof String file && m.get("variant") instanceof String variant && m.get("context") instanceof String ctx) {
                        Path context = repository.resolve(ctx).normalize();
                        Path blubber = repository.resolve(file).normalize();
                        List<String> excludes = m.get("excludes") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
                        for (String problem : services.backend().checkBuild(new PipelineBackend.BuildSpec(blubber, file, variant, context, excludes,
                                false, Map.of(), "localhost/plib-image-check", repository, Set.of()))) {
                            if (!dirExists && problem.endsWith("the build context is not a directory")) continue;
                            if (buildProblems.add(problem)) out.add(String.format(at, b.line()) + "build: " + problem);
                        }
                    }
                });
                stage.run().ifPresent(r -> {
                    Object creds = s.steps().get("run") instanceof Map<?, ?> m ? m.get("credentials") : null;
                    if (creds instanceof List<?> l) {
                        for (Object c : l) {
                            if (c instanceof Map<?, ?> cm && cm.get("id") instanceof String id) {
                                services.credentials().problem(id).ifPresent(pr -> out.add(String.format(at, r.line()) + "run.credentials: " + pr));
                            }
                        }
                    }
                });
                stage.publish().ifPresent(x -> {
                    if (settings.registry().isEmpty()) out.add(String.format(at, x.line()) + "publish needs a registry: set 'registry' in the engine config (-c)");
                });
                stage.promote().ifPresent(x -> services.charts().problem().ifPresent(pr -> out.add(String.format(at, x.line()) + pr)));
                stage.deploy().ifPresent(x -> services.helm().problem().ifPresent(pr -> out.add(String.format(at, x.line()) + pr)));
                stage.trigger().ifPresent(t -> {
                    Map<String, String> params = new LinkedHashMap<>();
                    Object planned = s.steps().get("trigger") instanceof Map<?, ?> m ? m.get("parameters") : null;
                    if (planned instanceof Map<?, ?> pm) pm.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
                    services.jenkins().triggerProblem(new JenkinsActions.Trigger(t.job(), params, t.propagate(), t.waitForCompletion()))
                            .ifPresent(pr -> out.add(String.format(at, t.line()) + pr));
                });
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The run

    /** Runs the planned pipelines in order; stops after the first that fails. */
    public PipelineRunResult run(PipelinePlan plan) throws InterruptedException {
        List<PipelineOutcome> done = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            if (!done.isEmpty() && !done.get(done.size() - 1).succeeded()) {
                notRun.add(p.name());
                continue;
            }
            done.add(new PipelineRun(p).run());
        }
        return new PipelineRunResult(done, notRun);
    }

    /** One pipeline's run: schedules its stages over the execution graph; {@link StageRun} runs each one's steps. */
    private final class PipelineRun {
        private final PipelinePlan.PlannedPipeline planned;
        private final Pipeline pipeline;
        private final String timestamp;
        private final RunScope scope;

        PipelineRun(PipelinePlan.PlannedPipeline planned) {
            this.planned = planned;
            this.pipeline = planned.model();
            this.timestamp = SetupBindings.timestamp(services.clock().instant());
            Masker masker = new Masker();
            // Registry retries of the run's pushes (its one publisher's client) are told as the pipeline's "publish".
            PipelineBackend.RunPublishing publishing = services.backend().publishing(workDirectory,
                    line -> listener.log(pipeline.name(), "publish", masker.apply(line)));
            this.scope = new RunScope(services, settings, facts, repository, workDirectory, listener, pipeline,
                    new ExecutionContext(SetupBindings.fullGraph(pipeline)), timestamp, repository.resolve(pipeline.directory()).normalize(),
                    masker, new RunResources(random), publishing, new EarlyBuilds());
        }

        PipelineOutcome run() throws InterruptedException {
            SetupBindings.bind(scope.ctx().ofNode(PipelineModeler.SETUP), facts, pipeline.name(), settings, timestamp);
            listener.pipelineStarted(pipeline.name(), timestamp, planned.frames());
            Map<String, StageResult> results = new LinkedHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(jobs, new NamedThreads("pipeline-" + pipeline.name()));
            CompletionService<StageResult> completions = new ExecutorCompletionService<>(pool);
            Set<String> pending = new LinkedHashSet<>();
            for (List<String> frame : planned.frames()) pending.addAll(frame);
            int running = 0;
            InterruptedException interrupted = null;
            try {
                // With room for more than one stage at a time, builds that need not wait for their stage start now.
                if (jobs > 1) scope.early().start(scope, pending);
                running += settle(pending, results, completions);
                while (running > 0) {
                    Future<StageResult> f = completions.take();
                    running--;
                    StageResult r;
                    try {
                        r = f.get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a stage's task failed outside its steps", e.getCause());
                    }
                    results.put(r.stage(), r);
                    listener.stageFinished(r);
                    running += settle(pending, results, completions);
                }
            } catch (InterruptedException e) {
                interrupted = e;
                pool.shutdownNow();
                // Stages stop their work when interrupted; wait for them so that the teardown sees what they made.
                pool.awaitTermination(2, TimeUnit.MINUTES);
                for (String s : pending) results.putIfAbsent(s, StageResult.notRun(pipeline.name(), s, StageStatus.SKIPPED, "the run was interrupted"));
            } finally {
                pool.shutdownNow();
                scope.early().close(); // early builds of stages that were skipped: stopped, their images in the teardown
            }
            List<String> teardown = scope.made().teardown(services.backend(), services.helm(),
                    line -> listener.log(pipeline.name(), PipelineModeler.TEARDOWN, scope.masker().apply(line)));
            scope.publishing().close();
            List<StageResult> ordered = new ArrayList<>();
            for (Stage s : pipeline.stages()) {
                StageResult r = results.get(s.name());
                ordered.add(r != null ? r : StageResult.notRun(pipeline.name(), s.name(),
                        pipeline.runs(s.name()) ? StageStatus.SKIPPED : StageStatus.NOT_RUN,
                        pipeline.runs(s.name()) ? "the run was interrupted" : "not in the execution graph"));
            }
            PipelineOutcome outcome = new PipelineOutcome(pipeline.name(), timestamp, ordered, teardown);
            listener.pipelineFinished(outcome);
            if (interrupted != null) {
                Thread.currentThread().interrupt();
                throw interrupted;
            }
            return outcome;
        }

        /**
         * Starts every pending stage whose predecessors all succeeded, skips every one with a predecessor that did not;
         * returns how many it started.
         */
        private int settle(Set<String> pending, Map<String, StageResult> results, CompletionService<StageResult> completions) {
            int started = 0;
            boolean changed = true;
            while (changed) {
                changed = false;
                for (String s : List.copyOf(pending)) {
                    Set<String> before = new LinkedHashSet<>(pipeline.graph().inTo(s));
                    if (!results.keySet().containsAll(before)) continue;
                    Optional<String> failed = before.stream().filter(b -> results.get(b).status() != StageStatus.SUCCEEDED).findFirst();
                    pending.remove(s);
                    changed = true;
                    if (failed.isPresent()) {
                        StageResult r = StageResult.notRun(pipeline.name(), s, StageStatus.SKIPPED, "stage '" + failed.get() + "' it follows did not succeed");
                        results.put(s, r);
                        listener.stageFinished(r);
                    } else {
                        Stage stage = pipeline.stage(s).orElseThrow();
                        completions.submit(() -> new StageRun(scope, stage).run());
                        started++;
                    }
                }
            }
            return started;
        }

    }

    /** Daemon threads named after the pipeline. */
    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        NamedThreads(String prefix) { this.prefix = prefix; }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
