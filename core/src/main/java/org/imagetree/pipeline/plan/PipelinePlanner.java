package org.imagetree.pipeline.plan;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.expr.ExpressionException;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Lexer;
import org.imagetree.pipeline.expr.Unresolved;
import org.imagetree.pipeline.graph.ExecutionGraph;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineConfig;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.read.ConfigProblem;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.YamlValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plan stage: the selected pipelines checked as PipelineLib checks them before it runs anything
 * ({@code PipelineBuilder}: the pipeline exists; {@code Pipeline.validate}: reserved names, the graph's shape,
 * {@code allowedActions}) and as it would fail while running (a cycle; an expression naming a value no stage binds, or
 * a stage that does not lead to it; a published name outside the project's; an image reference that can never be
 * valid), every problem at its line, then each stage's steps evaluated as far as they are known. Stateless.
 */
public final class PipelinePlanner {
    private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}|[0-9a-f]{12,64}");

    private PipelinePlanner() {}

    /**
     * What to plan: the pipelines to run (empty: all, in the order written), the actions they may take (PipelineLib's
     * {@code allowedActions}; empty: all), the setup facts and the runner's settings.
     */
    public record Request(List<String> pipelines, Optional<Set<String>> allowedActions, SetupFacts facts, PipelineSettings settings) {
        public Request {
            pipelines = List.copyOf(pipelines);
            allowedActions = allowedActions.map(Set::copyOf);
        }
    }

    /**
     * The plan of {@code request.pipelines()}.
     *
     * @throws PipelineConfigException every problem of the selected pipelines, each at its line
     */
    public static PipelinePlan plan(PipelineConfig config, Request request) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Pipeline> selected = new ArrayList<>();
        if (request.pipelines().isEmpty()) {
            selected.addAll(config.pipelines());
        } else {
            for (String name : request.pipelines()) {
                Optional<Pipeline> p = config.pipeline(name);
                if (p.isEmpty()) {
                    String known = String.join(", ", config.pipelines().stream().map(Pipeline::name).toList());
                    problems.add(new ConfigProblem(0, "Pipeline '" + name + "' is not defined in project's '" + config.file() + "'"
                            + (known.isEmpty() ? "" : " (it defines: " + known + ")")));
                } else if (!selected.contains(p.get())) {
                    selected.add(p.get());
                }
            }
        }
        List<PipelinePlan.PlannedPipeline> planned = new ArrayList<>();
        List<ConfigProblem> stepProblems = new ArrayList<>();
        for (Pipeline p : selected) {
            PipelineCheck check = new PipelineCheck(p, request);
            planned.add(check.plan());
            problems.addAll(check.problems);
            stepProblems.addAll(check.stepProblems);
        }
        if (!problems.isEmpty()) throw new PipelineConfigException(config.file(), problems);
        return new PipelinePlan(config.file(), planned, config.warnings(), stepProblems);
    }

    /** Why a blubberfile path cannot be read, if it cannot: it must stay in the repository. */
    static Optional<String> blubberfileProblem(String f) {
        Path resolved;
        try {
            resolved = Path.of(".pipeline").resolve(f).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.of("blubberfile: '" + f + "' is not a path");
        }
        if (Path.of(f).isAbsolute() || resolved.startsWith("..")) return Optional.of("blubberfile: '" + f + "' leads out of the repository");
        return Optional.empty();
    }

    /** The blubberfile a value names, as the plan shows it: {@code .pipeline/PATH}, or the inline config. */
    public static Object blubberfileDisplay(Object value) {
        if (value instanceof String s) return Path.of(".pipeline").resolve(s).normalize().toString();
        if (value instanceof Unresolved.Template t) return ".pipeline/" + t.text();
        if (value instanceof Unresolved u) return u.shape();
        return value;
    }

    /** The checks and the plan of one pipeline. */
    private static final class PipelineCheck {
        private final Pipeline pipeline;
        private final Request request;
        final List<ConfigProblem> problems = new ArrayList<>();
        final List<ConfigProblem> stepProblems = new ArrayList<>();

        PipelineCheck(Pipeline pipeline, Request request) {
            this.pipeline = pipeline;
            this.request = request;
        }

        /** Whether the pipeline's directory is in the repository (else paths relative to it are not checked again). */
        private boolean directoryUsable;

        PipelinePlan.PlannedPipeline plan() {
            problems.addAll(pipeline.problems());
            directoryUsable = org.imagetree.pipeline.model.PipelineModeler.directoryUsable(pipeline.directory());
            if (pipeline.blubberfile() instanceof YamlValue.Scalar ps && ps.value() instanceof String pv && !Lexer.hasVariables(pv)
                    && pipeline.stages().stream().anyMatch(st -> st.build().isPresent() && st.blubberfile().isEmpty())) {
                blubberfileProblem(pv).ifPresent(x -> problems.add(new ConfigProblem(ps.line(), "pipelines." + pipeline.name() + "." + x)));
            }
            request.allowedActions().ifPresent(allowed -> {
                for (Stage s : pipeline.stages()) {
                    for (String action : s.actions()) {
                        if (!allowed.contains(action)) {
                            problems.add(new ConfigProblem(s.source().lineOf(action) > 0 && s.source().has(action) ? s.source().lineOf(action) : s.line(),
                                    "stage `" + s.name() + "` contains an action (`" + action + "`) that is not allowed by this pipeline"));
                        }
                    }
                }
            });
            boolean graphUsable = pipeline.graph().cycle().isEmpty()
                    && pipeline.graph().nodes().stream().allMatch(n -> pipeline.stage(n).isPresent()
                            && !n.equals(org.imagetree.pipeline.model.PipelineModeler.SETUP) && !n.equals(org.imagetree.pipeline.model.PipelineModeler.TEARDOWN));
            List<List<String>> frames = graphUsable ? pipeline.graph().stack() : List.of();
            Map<String, PipelinePlan.PlannedStage> byName = new LinkedHashMap<>();
            Object blubberfile = pipeline.blubberfile() instanceof YamlValue.Scalar s ? blubberfileDisplay(s.value()) : pipeline.blubberfile().toJava();
            if (graphUsable) {
                ExecutionContext ctx = new ExecutionContext(SetupBindings.fullGraph(pipeline));
                SetupBindings.bind(ctx.ofNode(org.imagetree.pipeline.model.PipelineModeler.SETUP), request.facts(), pipeline.name(),
                        request.settings(), new Unresolved.Unknown("setup.timestamp"));
                for (List<String> frame : frames) {
                    for (String name : frame) {
                        Stage stage = pipeline.stage(name).orElseThrow();
                        byName.put(name, new PipelinePlan.PlannedStage(name, true, List.copyOf(pipeline.graph().inTo(name)),
                                new StageCheck(stage, ctx.ofNode(name)).plan(), stage));
                    }
                }
            }
            List<PipelinePlan.PlannedStage> stages = new ArrayList<>();
            for (Stage s : pipeline.stages()) {
                PipelinePlan.PlannedStage ps = byName.get(s.name());
                stages.add(ps != null ? ps : new PipelinePlan.PlannedStage(s.name(), pipeline.runs(s.name()),
                        graphUsable ? List.copyOf(pipeline.graph().inTo(s.name())) : List.of(), rawSteps(s), s));
            }
            return new PipelinePlan.PlannedPipeline(pipeline.name(), blubberfile, pipeline.directory(), frames, stages, pipeline);
        }

        /** The steps of a stage that does not run, as written (with defaults). */
        private Map<String, Object> rawSteps(Stage s) {
            Map<String, Object> out = new LinkedHashMap<>();
            s.build().ifPresent(b -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("blubberfile", s.blubberfile().map(YamlValue::toJava).orElse(pipeline.blubberfile().toJava()));
                m.put("variant", b.variant().toJava());
                m.put("context", b.context().toJava());
                b.excludes().ifPresent(x -> m.put("excludes", x.toJava()));
                m.put("imagePullPolicy", b.imagePullPolicy().toJava());
                out.put("build", m);
            });
            s.run().ifPresent(r -> out.put("run", Map.of("image", r.image().toJava(), "arguments", r.arguments().toJava())));
            s.copy().ifPresent(c -> out.put("copy", c.files().toJava()));
            s.publish().ifPresent(p -> out.put("publish", Map.of("image", Map.of("id", p.id().toJava(), "name", p.name().toJava(),
                    "tag", p.tag().toJava(), "tags", p.tags().toJava()))));
            s.promote().ifPresent(p -> out.put("promote", p.charts().toJava()));
            s.deploy().ifPresent(d -> out.put("deploy", Map.of("chart", d.chartName().toJava(), "image", d.image().toJava(), "tag", d.tag().toJava())));
            if (!s.exports().isEmpty()) {
                Map<String, Object> m = new LinkedHashMap<>();
                s.exports().forEach(e -> m.put(e.name(), e.value().toJava()));
                out.put("exports", m);
            }
            s.trigger().ifPresent(t -> out.put("trigger", Map.of("name", t.job())));
            return out;
        }

        /** The checks and evaluated steps of one stage that runs, binding what each step binds as it goes. */
        private final class StageCheck {
            private final Stage stage;
            private final ExecutionContext.NodeContext ctx;

            StageCheck(Stage stage, ExecutionContext.NodeContext ctx) {
                this.stage = stage;
                this.ctx = ctx;
            }

            private Object eval(String path, YamlValue v) {
                Interpolator.Planned p = Interpolator.plan(path, v, ctx);
                for (ExpressionException e : p.errors()) problems.add(problem(e.line() > 0 ? e.line() : v.line(), e.getMessage() + defaultNote(path, v)));
                return p.value();
            }

            private ConfigProblem problem(int line, String message) {
                return new ConfigProblem(line, "stage '" + stage.name() + "' of pipeline '" + pipeline.name() + "': " + message);
            }

            /** Says which default a message is about when the stage does not write the field. */
            private String defaultNote(String path, YamlValue v) {
                if (path.equals("promote.version")) return " (promote's version is the stage's ${.imageTag}: publish the image in the same stage)";
                String[] parts = path.replaceAll("\\[\\d+\\]", "").split("\\.");
                YamlValue cur = stage.source();
                if (parts[0].equals("blubberfile") && !stage.source().has("blubberfile")) return " (the pipeline's blubberfile)";
                for (String part : parts) {
                    if (cur instanceof YamlValue.Mapping m && m.has(part)) cur = m.get(part).get();
                    else if (cur instanceof YamlValue.Scalar || cur instanceof YamlValue.Mapping) {
                        return v instanceof YamlValue.Scalar s && s.isString() ? " (the default '" + s.value() + "')" : " (a default)";
                    } else {
                        return "";
                    }
                }
                return "";
            }

            private void bindUnknown(List<String> keys) {
                for (String k : keys) bind(k, new Unresolved.Unknown(stage.name() + "." + k), stage.line());
            }

            private void bind(String key, Object value, int line) {
                try {
                    ctx.bind(key, value);
                } catch (ExecutionContext.NameAlreadyBoundException e) {
                    problems.add(problem(line, e.getMessage()));
                }
            }

            Map<String, Object> plan() {
                Map<String, Object> steps = new LinkedHashMap<>();
                ctx.bind("stage", stage.name());
                StepValues.Evaluator e = this::eval;
                stage.build().ifPresent(b -> {
                    StepValues.BuildValues v = StepValues.build(pipeline, stage, b, e);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("blubberfile", blubberfileDisplay(v.blubberfile()));
                    m.put("variant", v.variant());
                    m.put("context", contextDisplay(v.context()));
                    if (v.excludes() != null) m.put("excludes", v.excludes());
                    m.put("imagePullPolicy", v.imagePullPolicy());
                    if (v.context() instanceof String c && directoryUsable) {
                        pathProblem(c).ifPresent(p -> problems.add(problem(b.context().line(), "build.context: " + p)));
                    }
                    boolean pipelineLiteral = stage.blubberfile().isEmpty() && pipeline.blubberfile() instanceof YamlValue.Scalar ps
                            && ps.value() instanceof String pv && !Lexer.hasVariables(pv);
                    if (v.blubberfile() instanceof String f && !pipelineLiteral) {
                        blubberfileProblem(f).ifPresent(x -> problems.add(problem(stage.blubberfile().orElse(pipeline.blubberfile()).line(), x)));
                    }
                    steps.put("build", m);
                    bindUnknown(Steps.BUILD_BINDS);
                });
                stage.run().ifPresent(r -> {
                    StepValues.RunValues v = StepValues.run(r, e);
                    if (v.image() instanceof String img && !IMAGE_ID.matcher(img).matches() && !img.startsWith("localhost/plib-image-")) {
                        stepProblems.add(problem(r.image().line(), "run.image: '" + img + "' is not an image ID; PipelineLib runs an image this "
                                + "pipeline built, by its ID (docker run sha256:<id>), e.g. ${.imageID} or ${STAGE.imageID}"));
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("image", v.image());
                    m.put("arguments", v.arguments());
                    m.put("env", v.env());
                    m.put("credentials", v.credentials());
                    m.put("tail", v.tail());
                    steps.put("run", m);
                    bindUnknown(Steps.RUN_BINDS);
                });
                stage.copy().ifPresent(c -> {
                    List<StepValues.CopyItem> items = guarded(c.line(), () -> StepValues.copy(c, e));
                    List<Object> files = new ArrayList<>();
                    if (items == null) {
                        files.add(eval("copy", c.files()));
                    } else {
                        for (StepValues.CopyItem i : items) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("from", i.from());
                            m.put("source", i.source());
                            m.put("destination", i.destination() instanceof String d ? StepValues.destination(d).orElse(d) : i.destination());
                            m.put("archive", i.archive());
                            files.add(m);
                            if (directoryUsable && i.destination() instanceof String d && (StepValues.destination(d).isEmpty()
                                    || Path.of(pipeline.directory()).resolve(StepValues.destination(d).get()).normalize().startsWith(".."))) {
                                problems.add(problem(c.line(), "copy: destination '" + d + "' leads out of the pipeline's directory"));
                            }
                        }
                    }
                    steps.put("copy", files);
                    bindUnknown(Steps.COPY_BINDS);
                });
                stage.publish().ifPresent(p -> {
                    StepValues.PublishValues v = StepValues.publish(p, request.settings(), e);
                    passThrough("publish.image.name", p.name());
                    passThrough("publish.image.tag", p.tag());
                    passThrough("publish.image.tags", p.tags());
                    if (v.imageName() instanceof String n) {
                        StepValues.nameProblem(n, request.facts()).ifPresent(x -> stepProblems.add(problem(p.name().line(), "publish.image.name: " + x)));
                        List<String> knownTags = v.imageTags().stream().filter(t -> t instanceof String).map(String.class::cast).toList();
                        StepValues.referenceProblem(n, knownTags).ifPresent(x -> stepProblems.add(problem(p.line(), "publish.image: " + x)));
                    }
                    Map<String, Object> image = new LinkedHashMap<>();
                    image.put("id", v.id());
                    image.put("name", v.imageName());
                    image.put("tag", v.tag());
                    image.put("tags", v.imageTags());
                    image.put("references", v.references());
                    steps.put("publish", Map.of("image", image));
                    bind("imageName", v.imageName(), p.line());
                    bind("imageFullName", v.imageFullName(), p.line());
                    bind("imageTag", v.tag() instanceof Unresolved ? new Unresolved.Unknown(stage.name() + ".imageTag") : v.tag(), p.line());
                    bind("imageTags", Unresolved.isKnown(v.imageTags()) ? v.imageTags() : new Unresolved.Unknown(stage.name() + ".imageTags"), p.line());
                    bind("publishedImage", v.publishedImage() instanceof Unresolved ? new Unresolved.Unknown(stage.name() + ".publishedImage") : v.publishedImage(), p.line());
                });
                stage.promote().ifPresent(p -> {
                    List<StepValues.PromoteItem> items = guarded(p.line(), () -> StepValues.promote(p, e));
                    List<Object> charts = new ArrayList<>();
                    if (items == null) {
                        charts.add(eval("promote", p.charts()));
                    } else {
                        for (StepValues.PromoteItem i : items) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("chart", i.chart());
                            m.put("environments", i.environments());
                            m.put("version", i.version());
                            charts.add(m);
                        }
                    }
                    steps.put("promote", charts);
                });
                stage.deploy().ifPresent(d -> {
                    StepValues.DeployValues v = StepValues.deploy(d, request.settings(), e);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("chart", v.chart());
                    m.put("version", v.chartVersion());
                    m.put("image", v.image());
                    m.put("tag", v.tag());
                    m.put("cluster", d.cluster());
                    m.put("test", v.test());
                    if (v.timeout() != null) m.put("timeout", v.timeout());
                    m.put("values", v.values());
                    List<String> commands = new ArrayList<>();
                    commands.add(HelmCommands.display(request.settings(), HelmCommands.install(request.settings(), HelmCommands.RELEASE_PLACEHOLDER,
                            v.chart(), v.chartVersion(), v.timeout(), HelmCommands.VALUES_PLACEHOLDER)));
                    if (v.test()) commands.add(HelmCommands.display(request.settings(), HelmCommands.test(request.settings(), HelmCommands.RELEASE_PLACEHOLDER)));
                    m.put("commands", commands);
                    steps.put("deploy", m);
                    bindUnknown(Steps.DEPLOY_BINDS);
                });
                if (!stage.exports().isEmpty()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (Steps.Export x : stage.exports()) {
                        Object value = eval("exports." + x.name(), x.value());
                        m.put(x.name(), value);
                        bind(x.name(), Unresolved.isKnown(value) ? value : new Unresolved.Unknown(stage.name() + "." + x.name()), x.line());
                    }
                    steps.put("exports", m);
                }
                stage.trigger().ifPresent(t -> {
                    Map<String, Object> params = new LinkedHashMap<>();
                    for (YamlValue.Entry p : t.parameters()) params.put(p.key(), eval("trigger.parameters." + p.key(), p.value()));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", t.job());
                    m.put("parameters", params);
                    m.put("propagate", t.propagate());
                    m.put("wait", t.waitForCompletion());
                    steps.put("trigger", m);
                });
                StepValues.email(pipeline, stage).ifPresent(mail -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("to", eval("notify.email.to", mail.to()));
                    m.put("subject", eval("notify.email.subject", mail.subject()));
                    m.put("body", eval("notify.email.body", mail.body()));
                    steps.put("notify", Map.of("email", m));
                });
                return steps;
            }

            private <T> T guarded(int line, java.util.function.Supplier<T> s) {
                try {
                    return s.get();
                } catch (IllegalArgumentException ex) {
                    problems.add(problem(line, ex.getMessage()));
                    return null;
                }
            }

            /** A non-dotted variable left as written ({@code ${ZUUL_BRANCH}}) can never be part of an image reference. */
            private void passThrough(String path, YamlValue v) {
                if (v instanceof YamlValue.Sequence seq) {
                    seq.items().forEach(i -> passThrough(path, i));
                    return;
                }
                if (!(v instanceof YamlValue.Scalar s && s.value() instanceof String str) || !Lexer.hasVariables(str)) return;
                try {
                    for (Lexer.Token t : Lexer.tokenize(str)) {
                        if (t instanceof Lexer.Variable var && !var.name().contains(".") && !var.hasDefault() && !ctx.has(var.name())) {
                            stepProblems.add(problem(v.line(), path + ": '" + var.source() + "' is not a pipeline variable, so it stays as written "
                                    + "and no image reference may contain it (a job parameter is ${setup.params." + var.name() + "})"));
                        }
                    }
                } catch (Lexer.InvalidVariableException ignored) {
                    // reported by the evaluation
                }
            }

            private Object contextDisplay(Object context) {
                if (context instanceof String c) return Path.of(pipeline.directory()).resolve(c).normalize().toString().replaceFirst("^$", ".");
                return context;
            }

            private Optional<String> pathProblem(String p) {
                if (p.contains("://")) return Optional.of("'" + p + "' is a URL; only directories of the repository can be build contexts");
                return org.imagetree.pipeline.model.PipelineModeler.pathProblem(p, pipeline.directory(), "the pipeline's directory");
            }
        }
    }

    /** The graph the stages run in, for adapters that draw it. */
    public static ExecutionGraph graph(Pipeline p) { return p.graph(); }
}
