package org.imagetree.pipeline.execute;

import org.imagetree.model.ImageReference;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.report.StageResult;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds that start with the run instead of with their stage: a stage that waits for others (its {@code build} cannot
 * start before they succeed in PipelineLib) has its image built, and made ready for its {@code publish}, while they
 * run. Only work on this machine is done early: the build (the engine's) and the export of the image (read from the
 * engine, compressed); nothing is sent to the registry and nothing is bound before the stage runs. When a stage before
 * fails, the stage is skipped as in PipelineLib and its early image goes with the run's teardown.
 *
 * <p>A build is started early only when it cannot depend on what the stages before it do: no stage it follows (however
 * far back) has a {@code copy} step (the only step that changes the workspace a build reads), and its values evaluate
 * when the run starts (they name only {@code setup} and constants, not what another stage exports). When the stage
 * runs, it evaluates its build again; the early image is used only when that is the same build, else the stage builds
 * as usual. An early build that fails is not an error: the stage builds as usual and meets the error itself.
 *
 * <p>One early build at a time (independent stages already build in parallel). One per pipeline run.
 */
final class EarlyBuilds implements AutoCloseable {
    /** An image built early: its local name (reserved in the run) and what the engine answered. */
    record Built(String localName, PipelineBackend.Built image) {}

    /** A build started early, and its output, told when its stage takes it. */
    private record Early(BuildStep.Request request, String localName, Future<PipelineBackend.Built> build, List<String> output) {}

    private final Map<String, Early> byStage = new LinkedHashMap<>();
    private ExecutorService pool;

    /**
     * Starts the early builds of the stages of {@code run}'s pipeline that may have one ({@code runs}: the stages the
     * graph runs). Called once, before any stage runs.
     */
    void start(RunScope run, Set<String> runs) {
        Pipeline pipeline = run.pipeline();
        List<Stage> candidates = pipeline.stages().stream().filter(s -> runs.contains(s.name()) && s.build().isPresent())
                .filter(s -> !pipeline.graph().inTo(s.name()).isEmpty())
                .filter(s -> ancestors(pipeline, s.name()).stream().map(a -> pipeline.stage(a).orElseThrow()).noneMatch(a -> a.copy().isPresent()))
                .toList();
        if (candidates.isEmpty()) return;
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipeline-" + pipeline.name() + "-early-build");
            t.setDaemon(true);
            return t;
        });
        for (Stage stage : candidates) {
            StageRun s = new StageRun(run, stage);
            BuildStep.Request request;
            try {
                s.bindStageName();
                request = BuildStep.request(s, stage.build().get(), s::eval);
            } catch (Exception notYet) {
                continue; // names what a stage before exports, or is wrong: the stage builds (and says so) when it runs
            }
            String localName = "localhost/plib-image-" + run.made().random8();
            run.made().addImage(new StageResult.BuiltImage(request.variant(), "", localName, false)); // the teardown removes it
            boolean publishes = stage.publish().isPresent() && !run.settings().registry().isEmpty();
            List<String> output = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Future<PipelineBackend.Built> build = pool.submit(() -> {
                PipelineBackend.Built built = run.services().backend().build(request.spec(localName, run), output::add);
                if (publishes) {
                    try {
                        run.publishing().prepare(built.id(), ImageReference.parse(run.settings().qualify("early") + ":early").registry(), output::add);
                    } catch (org.imagetree.execute.EngineException | RuntimeException e) {
                        output.add("the image's export for its publish failed (" + e.getMessage() + "); publish exports it again");
                    }
                }
                return built;
            });
            synchronized (byStage) {
                byStage.put(stage.name(), new Early(request, localName, build, output));
            }
        }
    }

    /**
     * The image built early for {@code stage}, when {@code request} is the build it started; waits for it. Empty when
     * there is none, it was another build, or it failed (the stage then builds as usual).
     */
    Optional<Built> take(String stage, BuildStep.Request request, Consumer<String> log) throws InterruptedException {
        Early e;
        synchronized (byStage) {
            e = byStage.remove(stage);
        }
        if (e == null) return Optional.empty();
        if (!e.request().key().equals(request.key())) {
            log.accept("build: the build started early differs from this one (a value changed); building again");
            e.build().cancel(true);
            return Optional.empty();
        }
        try {
            PipelineBackend.Built built = e.build().get();
            log.accept("build: built while the stages before it ran:");
            List.copyOf(e.output()).forEach(log);
            return Optional.of(new Built(e.localName(), built));
        } catch (ExecutionException failed) {
            log.accept("build: the build started while the stages before it ran failed (" + failed.getCause().getMessage() + "); building again");
            return Optional.empty();
        }
    }

    /** Stops the early builds no stage took (their stages were skipped); their images go with the run's teardown. */
    @Override
    public void close() {
        if (pool == null) return;
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every stage {@code stage} follows in the graph, however far back. */
    private static Set<String> ancestors(Pipeline pipeline, String stage) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(pipeline.graph().inTo(stage));
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (seen.add(s)) todo.addAll(pipeline.graph().inTo(s));
        }
        return seen;
    }
}
