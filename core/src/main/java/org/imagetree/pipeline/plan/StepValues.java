package org.imagetree.pipeline.plan;

import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Unresolved;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.read.YamlValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The evaluated fields of each step, computed the same way for a plan (values may be {@link Unresolved}) and for a
 * run: one place for what PipelineLib's {@code PipelineStage} does with a step's config before it calls the runner
 * (the defaults of {@code copy} and {@code promote} items, the published name's sanitising and prefix rule, the tag
 * list, the helm values). Stateless.
 */
public final class StepValues {
    private StepValues() {}

    /** Evaluates a config value in the stage's context (a plan's or a run's interpolation). */
    @FunctionalInterface
    public interface Evaluator {
        Object eval(String path, YamlValue value);
    }

    public record BuildValues(Object blubberfile, Object variant, Object context, Object excludes, Object imagePullPolicy) {}

    public static BuildValues build(Pipeline pipeline, Stage stage, Steps.Build b, Evaluator e) {
        return new BuildValues(
                e.eval("blubberfile", stage.blubberfile().orElse(pipeline.blubberfile())),
                e.eval("build.variant", b.variant()),
                e.eval("build.context", b.context()),
                b.excludes().map(x -> e.eval("build.excludes", x)).orElse(null),
                e.eval("build.imagePullPolicy", b.imagePullPolicy()));
    }

    public record RunValues(Object image, Object arguments, Object env, Object credentials, long tail) {}

    public static RunValues run(Steps.Run r, Evaluator e) {
        return new RunValues(e.eval("run.image", r.image()), e.eval("run.arguments", r.arguments()), e.eval("run.env", r.env()),
                e.eval("run.credentials", r.credentials()), r.tail());
    }

    /** One file to copy, defaults applied. */
    public record CopyItem(Object from, Object source, Object destination, boolean archive) {}

    /**
     * The {@code copy} list: each item a source path or a mapping; {@code from} defaults to {@code ${.container}},
     * {@code destination} to the source, {@code archive} to false ({@code PipelineStage.defaultConfig}). Defaults are
     * applied after the list is evaluated, so that a list an expression gives gets them too.
     */
    public static List<CopyItem> copy(Steps.Copy c, Evaluator e) {
        Object files = e.eval("copy", c.files());
        List<CopyItem> out = new ArrayList<>();
        if (files instanceof Unresolved) return null;
        if (!(files instanceof List<?> list)) throw new IllegalArgumentException("copy: expected a list of files, got " + kind(files));
        for (Object item : list) {
            if (item instanceof Map<?, ?> m) {
                Object source = m.get("source");
                Object from = Interpolator.truthy(m.get("from")) ? m.get("from") : e.eval("copy.from", YamlValue.Scalar.string("${.container}", c.line()));
                Object destination = Interpolator.truthy(m.get("destination")) ? m.get("destination") : source;
                out.add(new CopyItem(from, source, destination, Boolean.TRUE.equals(m.get("archive"))));
            } else {
                Object from = e.eval("copy.from", YamlValue.Scalar.string("${.container}", c.line()));
                out.add(new CopyItem(from, item, item, false));
            }
        }
        return out;
    }

    /**
     * A copy's destination as PipelineLib's {@code sanitizeRelativePath} makes it relative ({@code /tmp/x} →
     * {@code tmp/x}), or empty when it would lead out of the pipeline's directory (PipelineLib strips leading
     * {@code ../} silently; we refuse it).
     */
    public static Optional<String> destination(String destination) {
        String d = destination.replaceFirst("^/+", "");
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(d.isEmpty() ? "." : d).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
        if (p.startsWith("..")) return Optional.empty();
        String out = p.toString().isEmpty() ? "." : p.toString();
        return Optional.of(destination.endsWith("/") && !out.equals(".") ? out + "/" : out);
    }

    /** What a {@code publish.image} step pushes and binds. */
    public record PublishValues(Object id, Object name, Object tag, List<Object> tags, Object imageName, Object imageFullName,
                                List<Object> imageTags, Object publishedImage, List<Object> references) {}

    /**
     * PipelineLib's {@code publish}: the name and every tag lower-cased with {@code /} made {@code -}, the tag first and
     * then {@code tags}, empty ones dropped; the image pushed as {@code <registry>/<namespace>/<name>:<tag>} for each.
     */
    public static PublishValues publish(Steps.Publish p, PipelineSettings settings, Evaluator e) {
        Object id = e.eval("publish.image.id", p.id());
        Object name = e.eval("publish.image.name", p.name());
        Object tag = e.eval("publish.image.tag", p.tag());
        Object tagsValue = e.eval("publish.image.tags", p.tags());
        List<Object> tags = new ArrayList<>();
        tags.add(tag);
        if (tagsValue instanceof List<?> l) tags.addAll(l);
        else if (tagsValue != null) tags.add(tagsValue);
        Object imageName = sanitize(name);
        List<Object> imageTags = new ArrayList<>();
        for (Object t : tags) {
            Object s = sanitize(t);
            if (s instanceof Unresolved || Interpolator.truthy(s)) imageTags.add(s);
        }
        Object fullName = imageName instanceof String n ? settings.qualify(n) : new Unresolved.Template(settings.qualify(String.valueOf(imageName)));
        Object published = concat(fullName, ":", tag);
        List<Object> references = new ArrayList<>();
        for (Object t : imageTags) references.add(concat(fullName, ":", t));
        return new PublishValues(id, name, tag, tags, imageName, fullName, imageTags, published, references);
    }

    /** PipelineLib's {@code sanitizeImageRef}: lower case, {@code /} → {@code -}. */
    public static Object sanitize(Object value) {
        if (value instanceof Unresolved.Template t) return new Unresolved.Template(t.text().toLowerCase(Locale.ROOT).replace('/', '-'));
        if (value instanceof Unresolved) return value;
        return value == null ? "" : Interpolator.text(value).toLowerCase(Locale.ROOT).replace('/', '-');
    }

    /**
     * Why {@code imageName} may not be published, if it may not: it must be a project's name, sanitised, or start with
     * one and a {@code -} ({@code PipelineStage.ALLOWED_IMAGE_PREFIXES}).
     */
    public static Optional<String> nameProblem(String imageName, SetupFacts facts) {
        List<String> allowed = new ArrayList<>();
        for (String prefix : List.of(facts.project(), facts.projectShortName())) {
            String p = (String) sanitize(prefix);
            if (!allowed.contains(p)) allowed.add(p);
            if (imageName.equals(p) || imageName.startsWith(p + "-")) return Optional.empty();
        }
        return Optional.of("the published image name (`" + imageName + "`) must either match or be prefixed by the full or short "
                + "project name (`" + String.join("` or `", allowed) + "`)");
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /** Why {@code name} or {@code tag} cannot be in an image reference, if it cannot. */
    public static Optional<String> referenceProblem(String name, List<String> tags) {
        if (!NAME.matcher(name).matches()) return Optional.of("'" + name + "' is not a valid image name");
        for (String t : tags) {
            if (!TAG.matcher(t).matches()) return Optional.of("'" + t + "' is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        }
        return Optional.empty();
    }

    /** One chart to promote. */
    public record PromoteItem(Object chart, Object environments, Object version) {}

    /**
     * The {@code promote} list: {@code chart} defaults to {@code ${setup.projectShortName}}, {@code environments} to
     * [], and the version is always {@code ${.imageTag}} (the schema has no {@code version}).
     */
    public static List<PromoteItem> promote(Steps.Promote p, Evaluator e) {
        Object charts = e.eval("promote", p.charts());
        if (charts instanceof Unresolved) return null;
        if (!(charts instanceof List<?> list)) throw new IllegalArgumentException("promote: expected a list of charts, got " + kind(charts));
        List<PromoteItem> out = new ArrayList<>();
        for (Object item : list) {
            Map<?, ?> m = item instanceof Map<?, ?> map ? map : Map.of();
            Object chart = Interpolator.truthy(m.get("chart")) ? m.get("chart")
                    : e.eval("promote.chart", YamlValue.Scalar.string("${setup.projectShortName}", p.line()));
            Object envs = Interpolator.truthy(m.get("environments")) ? m.get("environments") : List.of();
            Object version = e.eval("promote.version", YamlValue.Scalar.string("${.imageTag}", p.line()));
            out.add(new PromoteItem(chart, envs, version));
        }
        return out;
    }

    /** A {@code deploy} step's values and the helm values file PipelineRunner writes. */
    public record DeployValues(Object chart, Object chartVersion, Object image, Object tag, Object timeout, Object overrides,
                               Map<String, Object> values, boolean test) {}

    public static DeployValues deploy(Steps.Deploy d, PipelineSettings settings, Evaluator e) {
        Object chart = e.eval("deploy.chart.name", d.chartName());
        Object version = e.eval("deploy.chart.version", d.chartVersion());
        Object image = e.eval("deploy.image", d.image());
        Object tag = e.eval("deploy.tag", d.tag());
        Object timeout = d.timeout().map(t -> e.eval("deploy.timeout", t)).orElse(null);
        Object overrides = e.eval("deploy.overrides", d.overrides());
        Map<String, Object> docker = new LinkedHashMap<>();
        docker.put("registry", settings.registry());
        docker.put("pull_policy", settings.pullPolicy());
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("image", settings.namespace().isEmpty() ? image : concat(settings.namespace(), "/", image));
        app.put("version", tag);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("docker", docker);
        values.put("main_app", app);
        if (overrides instanceof Map<?, ?> o) values = merge(values, o);
        return new DeployValues(chart, version, image, tag, timeout, overrides, values, d.test());
    }

    /** PipelineLib's {@code Utility.merge}: mappings merged recursively, other values replaced. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> a, Map<?, ?> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        b.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v instanceof Map<?, ?> vm && out.get(key) instanceof Map<?, ?> om) {
                out.put(key, merge((Map<String, Object>) om, vm));
            } else {
                out.put(key, v);
            }
        });
        return out;
    }

    /** The email a failed stage sends: the pipeline's {@code notify} merged with the stage's, PipelineLib's defaults. */
    public static Optional<Steps.Email> email(Pipeline pipeline, Stage stage) {
        if (pipeline.notification().isEmpty() && stage.notification().isEmpty()) return Optional.empty();
        YamlValue.Mapping merged = mergeMappings(pipeline.notification().orElse(null), stage.notification().orElse(null));
        return PipelineModeler.email(merged);
    }

    private static YamlValue.Mapping mergeMappings(YamlValue.Mapping a, YamlValue.Mapping b) {
        if (a == null) return b;
        if (b == null) return a;
        List<YamlValue.Entry> entries = new ArrayList<>();
        for (YamlValue.Entry e : a.entries()) {
            Optional<YamlValue.Entry> over = b.entry(e.key());
            if (over.isEmpty()) entries.add(e);
            else if (e.value() instanceof YamlValue.Mapping am && over.get().value() instanceof YamlValue.Mapping bm) {
                entries.add(new YamlValue.Entry(e.key(), over.get().keyLine(), mergeMappings(am, bm)));
            } else entries.add(over.get());
        }
        for (YamlValue.Entry e : b.entries()) if (!a.has(e.key())) entries.add(e);
        return new YamlValue.Mapping(entries, b.line());
    }

    /** Strings joined, an {@link Unresolved.Template} when a part is not known yet. */
    public static Object concat(Object... parts) {
        StringBuilder b = new StringBuilder();
        boolean unknown = false;
        for (Object p : parts) {
            if (p instanceof Unresolved u) {
                unknown = true;
                b.append(u.shape() instanceof String s ? s : String.valueOf(u.shape()));
            } else {
                b.append(p == null ? "" : Interpolator.text(p));
            }
        }
        return unknown ? new Unresolved.Template(b.toString()) : b.toString();
    }

    static String kind(Object o) {
        if (o instanceof Map) return "a mapping";
        if (o instanceof List) return "a list";
        if (o == null) return "nothing";
        return "'" + o + "'";
    }
}
