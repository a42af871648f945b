package org.imagetree.pipeline.model;

import org.imagetree.pipeline.graph.ExecutionGraph;
import org.imagetree.pipeline.read.ConfigProblem;
import org.imagetree.pipeline.read.PipelineConfigReader.ConfigDocument;
import org.imagetree.pipeline.read.YamlValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model stage: a schema-checked config to {@link PipelineConfig}, with PipelineLib's defaults
 * ({@code Pipeline} and {@code PipelineStage.defaultConfig}) applied exactly, and the problems PipelineLib would meet
 * once it builds the pipeline (reserved stage names, the graph's shape and cycles) plus the ones it would stumble on
 * (a stage without a name, a name twice, an {@code execution} naming a stage that is not defined, a {@code directory}
 * leaving the repository). Stateless.
 */
public final class PipelineModeler {
    /** Stage names PipelineLib keeps for its own stages. */
    public static final String SETUP = "setup";
    public static final String TEARDOWN = "teardown";

    private PipelineModeler() {}

    public static PipelineConfig model(ConfigDocument doc) {
        List<Pipeline> pipelines = new ArrayList<>();
        YamlValue.Mapping all = (YamlValue.Mapping) doc.root().get("pipelines").orElseThrow();
        for (YamlValue.Entry e : all.entries()) pipelines.add(pipeline(e.key(), e.keyLine(), (YamlValue.Mapping) e.value()));
        return new PipelineConfig(doc.file(), pipelines, doc.warnings());
    }

    private static Pipeline pipeline(String name, int line, YamlValue.Mapping cfg) {
        List<ConfigProblem> problems = new ArrayList<>();
        String path = "pipelines." + name;
        YamlValue blubberfile = cfg.get("blubberfile").filter(PipelineModeler::truthy)
                .orElse(YamlValue.Scalar.string(name + "/blubber.yaml", cfg.lineOf("blubberfile")));
        String directory = cfg.get("directory").filter(PipelineModeler::truthy).map(v -> (String) ((YamlValue.Scalar) v).value()).orElse(".");
        directoryProblem(directory).ifPresent(p -> problems.add(new ConfigProblem(cfg.lineOf("directory"), path + ".directory: " + p)));
        @SuppressWarnings("unchecked")
        Map<String, Object> fetch = cfg.get("fetch").map(v -> (Map<String, Object>) v.toJava()).orElse(Map.of());
        Optional<YamlValue.Mapping> notify = cfg.get("notify").filter(PipelineModeler::truthy).map(v -> (YamlValue.Mapping) v);

        List<Stage> stages = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        YamlValue.Sequence stageList = (YamlValue.Sequence) cfg.get("stages").orElseThrow();
        for (int i = 0; i < stageList.items().size(); i++) {
            YamlValue.Mapping s = (YamlValue.Mapping) stageList.items().get(i);
            String sp = path + ".stages[" + i + "]";
            Optional<String> stageName = s.get("name").map(v -> (String) ((YamlValue.Scalar) v).value()).filter(n -> !n.isEmpty());
            if (stageName.isEmpty()) {
                problems.add(new ConfigProblem(s.line(), sp + ": a stage needs a 'name'"));
                continue;
            }
            String n = stageName.get();
            int nameLine = s.lineOf("name");
            if (n.equals(SETUP) || n.equals(TEARDOWN)) problems.add(new ConfigProblem(nameLine, sp + ": " + n + " is a reserved stage name"));
            Integer first = seen.putIfAbsent(n, nameLine);
            if (first != null) {
                problems.add(new ConfigProblem(nameLine, sp + ": stage '" + n + "' is defined twice (first at line " + first + ")"));
                continue;
            }
            stages.add(stage(n, s));
        }

        boolean given = cfg.get("execution").filter(PipelineModeler::truthy).isPresent();
        int executionLine = cfg.lineOf("execution");
        List<List<String>> execution = new ArrayList<>();
        if (given) {
            YamlValue.Sequence arcs = (YamlValue.Sequence) cfg.get("execution").get();
            for (int a = 0; a < arcs.items().size(); a++) {
                List<String> arc = new ArrayList<>();
                YamlValue.Sequence arcValue = (YamlValue.Sequence) arcs.items().get(a);
                for (int j = 0; j < arcValue.items().size(); j++) {
                    YamlValue item = arcValue.items().get(j);
                    String stage = (String) ((YamlValue.Scalar) item).value();
                    arc.add(stage);
                    if (!seen.containsKey(stage)) {
                        problems.add(new ConfigProblem(item.line(), path + ".execution[" + a + "][" + j + "]: stage '" + stage
                                + "' is not defined in the pipeline's stages" + suggestion(stage, seen.keySet())));
                    }
                }
                execution.add(arc);
            }
        } else {
            List<String> arc = new ArrayList<>();
            for (int i = 0; i < stageList.items().size(); i++) {
                ((YamlValue.Mapping) stageList.items().get(i)).get("name").map(v -> (String) ((YamlValue.Scalar) v).value()).ifPresent(arc::add);
            }
            execution.add(arc);
        }
        ExecutionGraph graph = ExecutionGraph.of(execution);
        graph.cycle().ifPresent(c -> problems.add(new ConfigProblem(executionLine, path + ".execution: cycle detected in graph: "
                + String.join(" -> ", c))));
        return new Pipeline(name, line, blubberfile, directory, fetch, notify, execution, given, executionLine, graph, stages, problems);
    }

    private static String suggestion(String name, java.util.Set<String> known) {
        if (known.isEmpty()) return "";
        String near = org.imagetree.config.ClosestKey.closest(name, known);
        return org.imagetree.config.ClosestKey.isClose(name, near) ? " (did you mean '" + near + "'?)" : "";
    }

    /** Whether {@code directory} can be a stage's working directory. */
    public static boolean directoryUsable(String directory) { return directoryProblem(directory).isEmpty(); }

    /** Why {@code directory} cannot be a stage's working directory, if it cannot. */
    static Optional<String> directoryProblem(String directory) {
        return pathProblem(directory, ".", "the repository root");
    }

    /**
     * Why {@code path}, relative to {@code base} (itself relative to the repository root, described as
     * {@code baseName}), cannot be used: not a path, absolute, or leading out of the repository.
     */
    public static Optional<String> pathProblem(String path, String base, String baseName) {
        Path p;
        try {
            p = Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.of("'" + path + "' is not a path");
        }
        if (p.isAbsolute()) return Optional.of("'" + path + "' must be relative to " + baseName);
        if (Path.of(base).resolve(p).normalize().startsWith("..")) return Optional.of("'" + path + "' leads out of the repository");
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // PipelineStage.defaultConfig

    static Stage stage(String name, YamlValue.Mapping cfg) {
        boolean shorthand = cfg.entries().size() == 1;
        List<String> actions = new ArrayList<>();
        for (String k : cfg.keys()) if (!k.equals("name")) actions.add(k);
        int nameLine = cfg.lineOf("name");
        if (shorthand) {
            actions.add("build");
            actions.add("run");
        }
        Optional<YamlValue> blubberfile = cfg.get("blubberfile").filter(PipelineModeler::truthy);

        Optional<Steps.Build> build;
        if (shorthand) {
            build = Optional.of(build(nameLine, new YamlValue.Mapping(List.of(), nameLine)));
        } else {
            build = cfg.get("build").filter(PipelineModeler::truthy).map(b -> build(cfg.lineOf("build"), b));
        }

        Optional<Steps.Run> run;
        if (shorthand) {
            run = Optional.of(run(nameLine, new YamlValue.Mapping(List.of(), nameLine)));
        } else {
            run = cfg.get("run").filter(PipelineModeler::truthy).map(r -> run(cfg.lineOf("run"), r));
        }

        Optional<Steps.Copy> copy = cfg.get("copy").filter(PipelineModeler::truthy).map(c -> new Steps.Copy(cfg.lineOf("copy"), c));

        Optional<Steps.Publish> publish = cfg.get("publish").filter(PipelineModeler::truthy)
                .flatMap(p -> ((YamlValue.Mapping) p).get("image").filter(PipelineModeler::truthy)
                        .map(i -> publish(((YamlValue.Mapping) p).lineOf("image"), i)));

        Optional<Steps.Promote> promote = cfg.get("promote").filter(PipelineModeler::truthy).map(p -> new Steps.Promote(cfg.lineOf("promote"), p));

        Optional<Steps.Deploy> deploy = cfg.get("deploy").filter(PipelineModeler::truthy).map(d -> deploy(cfg.lineOf("deploy"), (YamlValue.Mapping) d));

        List<Steps.Export> exports = new ArrayList<>();
        cfg.get("exports").ifPresent(e -> {
            for (YamlValue.Entry x : ((YamlValue.Mapping) e).entries()) exports.add(new Steps.Export(x.key(), x.keyLine(), x.value()));
        });

        Optional<Steps.Trigger> trigger = cfg.get("trigger").filter(PipelineModeler::truthy).map(t -> trigger(cfg.lineOf("trigger"), (YamlValue.Mapping) t));

        Optional<YamlValue.Mapping> notify = cfg.get("notify").filter(PipelineModeler::truthy).map(n -> (YamlValue.Mapping) n);
        return new Stage(name, nameLine, cfg, actions, blubberfile, build, run, copy, publish, promote, deploy, exports, trigger, notify);
    }

    private static Steps.Build build(int line, YamlValue b) {
        YamlValue.Mapping m = b instanceof YamlValue.Mapping map ? map
                : new YamlValue.Mapping(List.of(new YamlValue.Entry("variant", line, b)), line);
        return new Steps.Build(line,
                or(m, "variant", "${.stage}", line),
                or(m, "context", ".", line),
                m.get("excludes").filter(PipelineModeler::truthy),
                or(m, "imagePullPolicy", "always", line));
    }

    private static Steps.Run run(int line, YamlValue r) {
        YamlValue.Mapping m = r instanceof YamlValue.Mapping map ? map : new YamlValue.Mapping(List.of(), line);
        long tail = m.get("tail").map(t -> ((Number) ((YamlValue.Scalar) t).value()).longValue()).orElse(0L);
        return new Steps.Run(line,
                or(m, "image", "${.imageID}", line),
                orValue(m, "arguments", new YamlValue.Sequence(List.of(), line)),
                orValue(m, "env", new YamlValue.Mapping(List.of(), line)),
                orValue(m, "credentials", new YamlValue.Sequence(List.of(), line)),
                tail);
    }

    private static Steps.Publish publish(int line, YamlValue i) {
        YamlValue.Mapping m = i instanceof YamlValue.Mapping map ? map : new YamlValue.Mapping(List.of(), line);
        return new Steps.Publish(line,
                or(m, "id", "${.imageID}", line),
                or(m, "name", "${setup.project}", line),
                or(m, "tag", "${setup.timestamp}-${.stage}", line),
                orValue(m, "tags", new YamlValue.Sequence(List.of(YamlValue.Scalar.string("${setup.tag}", line)), line)));
    }

    private static Steps.Deploy deploy(int line, YamlValue.Mapping m) {
        YamlValue.Mapping chart = m.get("chart").filter(c -> c instanceof YamlValue.Mapping).map(c -> (YamlValue.Mapping) c)
                .orElse(new YamlValue.Mapping(List.of(), line));
        int chartLine = m.lineOf("chart");
        return new Steps.Deploy(line,
                or(m, "image", "${.imageName}", line),
                or(m, "tag", "${.imageTag}", line),
                m.get("cluster").filter(PipelineModeler::truthy).map(c -> String.valueOf(c.toJava())).orElse("ci"),
                m.get("test").map(t -> !Boolean.FALSE.equals(t.toJava())).orElse(true),
                orValue(m, "overrides", new YamlValue.Mapping(List.of(), line)),
                m.get("timeout").filter(PipelineModeler::truthy),
                or(chart, "name", "${setup.projectShortName}", chartLine),
                or(chart, "version", "", chartLine));
    }

    private static Steps.Trigger trigger(int line, YamlValue.Mapping m) {
        List<YamlValue.Entry> params = m.get("parameters").map(p -> ((YamlValue.Mapping) p).entries()).orElse(List.of());
        return new Steps.Trigger(line, String.valueOf(m.get("name").orElseThrow().toJava()), params,
                !Boolean.FALSE.equals(m.get("propagate").map(YamlValue::toJava).orElse(true)),
                Boolean.TRUE.equals(m.get("wait").map(YamlValue::toJava).orElse(false)));
    }

    /** {@code notify.email} of a (stage or merged) notify config, with PipelineLib's defaults. */
    public static Optional<Steps.Email> email(YamlValue.Mapping notify) {
        return notify.get("email").filter(PipelineModeler::truthy).map(e -> {
            YamlValue.Mapping m = (YamlValue.Mapping) e;
            int line = notify.lineOf("email");
            YamlValue to = m.get("to").orElse(new YamlValue.Sequence(List.of(), line));
            if (to instanceof YamlValue.Scalar s && s.isString()) to = new YamlValue.Sequence(List.of(to), to.line());
            return new Steps.Email(line, to, or(m, "subject", Steps.DEFAULT_SUBJECT, line), or(m, "body", Steps.DEFAULT_BODY, line));
        });
    }

    /** The value of {@code key} when truthy, else the string {@code def} reported at {@code line}. */
    private static YamlValue or(YamlValue.Mapping m, String key, String def, int line) {
        return m.get(key).filter(PipelineModeler::truthy).orElse(YamlValue.Scalar.string(def, line));
    }

    private static YamlValue orValue(YamlValue.Mapping m, String key, YamlValue def) {
        return m.get(key).filter(PipelineModeler::truthy).orElse(def);
    }

    /** Groovy truth of a config value, as PipelineLib's {@code ?:} and {@code if} test it. */
    public static boolean truthy(YamlValue v) {
        if (v instanceof YamlValue.Sequence s) return !s.items().isEmpty();
        if (v instanceof YamlValue.Mapping m) return !m.entries().isEmpty();
        return org.imagetree.pipeline.expr.Interpolator.truthy(((YamlValue.Scalar) v).value());
    }
}
