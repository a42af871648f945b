package org.imagetree.pipeline.execute;

import org.imagetree.InputError;
import org.imagetree.execute.EngineException;
import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.expr.ExpressionException;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.read.YamlValue;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;
import org.imagetree.read.ContextBoundary;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One stage's run: its steps in PipelineLib's order (build, run, copy, publish, promote, deploy, exports, trigger),
 * each evaluating its values in the stage's {@link ExecutionContext}; the first that fails fails the stage, which then
 * sends its {@code notify}. The steps themselves are {@link BuildStep}, {@link RunStep}, {@link CopyStep},
 * {@link PublishStep}, {@link PromoteStep}, {@link DeployStep}, {@link TriggerStep} and {@link NotifyStep}.
 */
final class StageRun {
    private final RunScope scope;
    private final Stage stage;
    private final ExecutionContext.NodeContext sc;
    private final List<StageResult.BuiltImage> built = new ArrayList<>();
    private final List<StageResult.PublishedImage> published = new ArrayList<>();
    private final Consumer<String> log;
    private String step = "";

    StageRun(RunScope scope, Stage stage) {
        this.scope = scope;
        this.stage = stage;
        this.sc = scope.ctx().ofNode(stage.name());
        this.log = line -> scope.listener().log(scope.pipeline().name(), stage.name(), scope.masker().apply(line));
    }

    RunScope scope() { return scope; }

    Stage stage() { return stage; }

    /** The stage's node of the execution context: what its steps bind, {@code ${STAGE.name}} to the stages after it. */
    ExecutionContext.NodeContext node() { return sc; }

    /** The stage's log; every line is masked. */
    Consumer<String> log() { return log; }

    void built(StageResult.BuiltImage image) { built.add(image); }

    void published(StageResult.PublishedImage image) { published.add(image); }

    /** Binds {@code ${.stage}}, once (an early build evaluates the stage's build before the stage runs). */
    void bindStageName() {
        if (!sc.has("stage")) sc.bind("stage", stage.name());
    }

    Object eval(String path, YamlValue v) {
        return Interpolator.run(path, v, sc);
    }

    StageResult run() {
        Instant start = scope.services().clock().instant();
        scope.listener().stageStarted(scope.pipeline().name(), stage.name());
        StageStatus status = StageStatus.SUCCEEDED;
        String reason = "";
        try {
            bindStageName();
            StepValues.Evaluator e = this::eval;
            step("build", stage.build(), b -> BuildStep.execute(this, b, e));
            step("run", stage.run(), r -> RunStep.execute(this, r, e));
            step("copy", stage.copy(), c -> CopyStep.execute(this, c, e));
            step("publish", stage.publish(), p -> PublishStep.execute(this, p, e));
            step("promote", stage.promote(), p -> PromoteStep.execute(this, p, e));
            step("deploy", stage.deploy(), d -> DeployStep.execute(this, d, e));
            for (Steps.Export x : stage.exports()) {
                step = "exports";
                sc.bind(x.name(), eval("exports." + x.name(), x.value()));
            }
            step("trigger", stage.trigger(), t -> TriggerStep.execute(this, t));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            status = StageStatus.FAILED;
            reason = step + ": interrupted";
        } catch (StepFailure | EngineException | IOException | InputError | ExpressionException
                 | ExecutionContext.NameAlreadyBoundException | CredentialResolver.CredentialException
                 | IllegalArgumentException | org.imagetree.execute.DockerCli.DockerException ex) {
            status = StageStatus.FAILED;
            reason = (step.isEmpty() || ex.getMessage() != null && ex.getMessage().startsWith(step) ? "" : step + ": ") + ex.getMessage();
        } catch (Exception ex) {
            status = StageStatus.FAILED;
            reason = step + ": " + ex;
        }
        reason = scope.masker().apply(reason);
        if (status == StageStatus.FAILED) {
            log.accept("stage failed: " + reason);
            NotifyStep.execute(this);
        }
        Map<String, String> exports = new LinkedHashMap<>();
        sc.getAll().forEach((k, v) -> {
            if (!k.equals("stage")) exports.put(k, scope.masker().apply(Interpolator.text(v)));
        });
        return new StageResult(scope.pipeline().name(), stage.name(), status, reason, Duration.between(start, scope.services().clock().instant()),
                built, published, exports);
    }

    /** One step of the stage, in the stage's order. */
    @FunctionalInterface
    private interface StepAction<T> {
        void execute(T step) throws Exception;
    }

    /** Runs {@code action} on the stage's {@code name} step when the stage has one; failures name that step. */
    private <T> void step(String name, Optional<T> declared, StepAction<T> action) throws Exception {
        if (declared.isEmpty()) return;
        step = name;
        action.execute(declared.get());
    }

    /** {@code relative} to the pipeline's directory, which must stay in the repository (no symlink out either). */
    Path inside(String field, String relative) throws StepFailure {
        Path repository = scope.repository();
        Path p = scope.directory().resolve(relative.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(repository) || relative.contains("://")) throw new StepFailure(field + ": '" + relative + "' leads out of the repository");
        Optional<InputError> out = ContextBoundary.of(repository).problem(p);
        if (out.isPresent()) throw new StepFailure(field + ": " + out.get().getMessage());
        return p;
    }
}
