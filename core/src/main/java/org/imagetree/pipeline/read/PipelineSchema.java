package org.imagetree.pipeline.read;

import org.imagetree.config.ClosestKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * PipelineLib's configuration schema, {@code resources/org/wikimedia/integration/schema/pipelines.v0.yaml}
 * (wikimedia/integration-pipelinelib b23da56), as data: the same types, {@code oneOf} alternatives, required keys,
 * {@code additionalProperties} and {@code uniqueItems}, checked the way ajv checks them (a value must match exactly
 * one {@code oneOf} alternative), with an error per problem that names the path and says what was expected.
 *
 * <p>Where the schema lets unknown keys through (the top level and a pipeline), PipelineLib ignores them: so do we,
 * with a warning naming the closest known key. Everywhere else an unknown key is an error, as ajv makes it.
 * {@code notify} at the pipeline level, which PipelineLib's code reads but its schema does not describe, is checked as
 * the stage's {@code notify} is.
 */
final class PipelineSchema {
    private PipelineSchema() {}

    /** Errors and warnings found so far. */
    static final class Problems {
        final List<ConfigProblem> errors = new ArrayList<>();
        final List<ConfigProblem> warnings = new ArrayList<>();

        void error(int line, String path, String message) {
            errors.add(new ConfigProblem(line, path.isEmpty() ? message : path + ": " + message));
        }

        void warning(int line, String path, String message) {
            warnings.add(new ConfigProblem(line, path.isEmpty() ? message : path + ": " + message));
        }
    }

    /** A schema node. */
    abstract static class Shape {
        /** Adds the problems of {@code v} at {@code path}. */
        abstract void check(String path, YamlValue v, Problems p);

        /** What the shape is, for "expected X, got Y". */
        abstract String describe();

        /** Whether a value of {@code v}'s JSON type can match (used to pick which alternative to explain). */
        abstract boolean acceptsTypeOf(YamlValue v);

        final boolean matches(YamlValue v) {
            Problems scratch = new Problems();
            check("", v, scratch);
            return scratch.errors.isEmpty();
        }
    }

    static final class Str extends Shape {
        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Scalar s && s.isString())) p.error(v.line(), path, "expected a string, got " + YamlValue.typeName(v));
        }

        @Override String describe() { return "a string"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Scalar s && s.isString(); }
    }

    static final class Bool extends Shape {
        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Scalar s && s.isBoolean())) {
                p.error(v.line(), path, "expected a boolean (true or false), got " + YamlValue.typeName(v) + quoted(v));
            }
        }

        @Override String describe() { return "a boolean"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Scalar s && s.isBoolean(); }
    }

    static final class Int extends Shape {
        @Override void check(String path, YamlValue v, Problems p) {
            boolean integral = v instanceof YamlValue.Scalar s && (s.isInteger()
                    || s.value() instanceof Double d && !d.isInfinite() && d == Math.rint(d));
            if (!integral) p.error(v.line(), path, "expected an integer, got " + YamlValue.typeName(v) + quoted(v));
        }

        @Override String describe() { return "an integer"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Scalar s && (s.isInteger() || s.value() instanceof Double); }
    }

    static final class Const extends Shape {
        private final String value;

        Const(String value) { this.value = value; }

        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Scalar s && value.equals(s.value()))) {
                p.error(v.line(), path, "must be '" + value + "' (the only value the schema allows), got " + YamlValue.typeName(v) + quoted(v));
            }
        }

        @Override String describe() { return "'" + value + "'"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Scalar; }
    }

    /** {@code type: object} with no further constraint. */
    static final class AnyObject extends Shape {
        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Mapping)) p.error(v.line(), path, "expected a mapping, got " + YamlValue.typeName(v));
        }

        @Override String describe() { return "a mapping"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Mapping; }
    }

    /** No constraint (a {@code $yield}, an inline value). */
    static final class AnyValue extends Shape {
        @Override void check(String path, YamlValue v, Problems p) {}

        @Override String describe() { return "any value"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return true; }
    }

    static final class Arr extends Shape {
        private final Shape items;
        private final boolean unique;
        private final String itemWord;

        Arr(Shape items, boolean unique, String itemWord) {
            this.items = items;
            this.unique = unique;
            this.itemWord = itemWord;
        }

        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Sequence seq)) {
                p.error(v.line(), path, "expected a list" + (itemWord.isEmpty() ? "" : " of " + itemWord) + ", got " + YamlValue.typeName(v));
                return;
            }
            List<Object> seen = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                YamlValue item = seq.items().get(i);
                items.check(path + "[" + i + "]", item, p);
                if (unique) {
                    Object j = item.toJava();
                    int first = seen.indexOf(j);
                    if (first >= 0) p.error(item.line(), path + "[" + i + "]", "the same as " + path + "[" + first + "] (the schema wants each item once)");
                    seen.add(j);
                }
            }
        }

        @Override String describe() { return "a list"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Sequence; }
    }

    /** What a mapping does with keys it does not name. */
    enum Unknown { ERROR, WARN }

    static final class Obj extends Shape {
        private final String name;
        private final Map<String, Shape> properties = new LinkedHashMap<>();
        private final Set<String> required;
        private final Unknown unknown;
        private Shape additional;

        Obj(String name, Set<String> required, Unknown unknown) {
            this.name = name;
            this.required = required;
            this.unknown = unknown;
        }

        Obj prop(String key, Shape shape) {
            properties.put(key, Objects.requireNonNull(shape));
            return this;
        }

        /** {@code additionalProperties: SHAPE}: every other key's value must match it. */
        Obj additional(Shape shape) {
            this.additional = shape;
            return this;
        }

        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Mapping m)) {
                p.error(v.line(), path, "expected " + describe() + ", got " + YamlValue.typeName(v));
                return;
            }
            for (String r : required) {
                if (m.has(r)) continue;
                String misspelt = m.keys().stream().filter(k -> !properties.containsKey(k) && ClosestKey.editDistance(k, r) <= 2).findFirst().orElse(null);
                p.error(misspelt != null ? m.lineOf(misspelt) : m.line(), path, "'" + r + "' is required"
                        + (misspelt != null ? " ('" + misspelt + "' is not a key here: did you mean '" + r + "'?)" : ""));
            }
            for (YamlValue.Entry e : m.entries()) {
                String sub = path.isEmpty() ? e.key() : path + "." + e.key();
                Shape s = properties.get(e.key());
                if (s != null) {
                    s.check(sub, e.value(), p);
                } else if (additional != null) {
                    additional.check(sub, e.value(), p);
                } else if (properties.isEmpty()) {
                    p.error(e.keyLine(), path, "unknown key '" + e.key() + "'");
                } else {
                    String msg = "unknown key '" + e.key() + "' (did you mean '" + ClosestKey.closest(e.key(), properties.keySet()) + "'?)";
                    if (unknown == Unknown.ERROR) p.error(e.keyLine(), path, msg);
                    else p.warning(e.keyLine(), path, msg + "; PipelineLib ignores it, and so does Image Tree");
                }
            }
        }

        @Override String describe() { return name; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Mapping; }
    }

    /** A {@code oneOf}: exactly one alternative must match. */
    static final class OneOf extends Shape {
        private final List<Shape> alternatives;

        OneOf(Shape... alternatives) { this.alternatives = List.of(alternatives); }

        @Override void check(String path, YamlValue v, Problems p) {
            List<Shape> matching = new ArrayList<>();
            for (Shape s : alternatives) if (s.matches(v)) matching.add(s);
            if (matching.size() == 1) return;
            if (matching.size() > 1) {
                p.error(v.line(), path, "matches more than one form (" + join(matching)
                        + "); the schema's oneOf wants exactly one, so PipelineLib refuses it");
                return;
            }
            Shape explain = pick(v);
            if (explain != null) {
                explain.check(path, v, p);
                return;
            }
            p.error(v.line(), path, "expected " + join(alternatives) + ", got " + YamlValue.typeName(v) + quoted(v));
        }

        /** The alternative the value was most likely meant to be, to explain why it does not match. */
        private Shape pick(YamlValue v) {
            if (v instanceof YamlValue.Mapping m) {
                for (Shape s : alternatives) {
                    if (s == MERGE && m.has("$merge") || s == MERGE && m.has("$with")) return s;
                    if (s == EACH && m.has("$each")) return s;
                }
                boolean dollar = m.keys().stream().anyMatch(k -> k.startsWith("$"));
                if (dollar && alternatives.contains(EACH)) return EACH;
                if (dollar && alternatives.contains(MERGE)) return MERGE;
            }
            List<Shape> typed = new ArrayList<>();
            for (Shape s : alternatives) if (s != MERGE && s != EACH && s.acceptsTypeOf(v)) typed.add(s);
            if (!typed.isEmpty()) return typed.get(0);
            return null;
        }

        private static String join(List<Shape> shapes) {
            List<String> d = new ArrayList<>();
            for (Shape s : shapes) if (!d.contains(s.describe())) d.add(s.describe());
            if (d.size() == 1) return d.get(0);
            return String.join(", ", d.subList(0, d.size() - 1)) + " or " + d.get(d.size() - 1);
        }

        @Override String describe() { return join(alternatives); }

        @Override boolean acceptsTypeOf(YamlValue v) {
            for (Shape s : alternatives) if (s.acceptsTypeOf(v)) return true;
            return false;
        }
    }

    private static String quoted(YamlValue v) {
        if (v instanceof YamlValue.Scalar s && s.value() != null) {
            String t = String.valueOf(s.value());
            return " ('" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "')";
        }
        return "";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The schema, definition by definition, in the order pipelines.v0.yaml writes them.

    static final Shape STRING = new Str();
    static final Shape BOOLEAN = new Bool();
    static final Shape INTEGER = new Int();
    static final Shape OBJECT = new AnyObject();

    /** {@code definitions.merge-expression}: {@code $merge} and {@code $with}, both {@code type: object}. */
    static final Obj MERGE = new Obj("a merge expression ($merge/$with)", Set.of("$merge", "$with"), Unknown.ERROR)
            .prop("$merge", OBJECT).prop("$with", OBJECT);

    /** {@code definitions.list-comprehension}. */
    static final Obj EACH = new Obj("a list comprehension ($each/$in/$yield)", Set.of("$each"), Unknown.ERROR)
            .prop("$each", new OneOf(STRING, new Arr(STRING, false, "strings")))
            .prop("$in", STRING)
            .prop("$delimiter", STRING)
            .prop("$yield", new AnyValue());

    /** {@code definitions.blubberfile}. */
    static final Shape BLUBBERFILE = new OneOf(OBJECT, STRING);

    /** {@code definitions.fetch}. */
    static final Obj FETCH = new Obj("a mapping (shallow, depth, submodules, tags)", Set.of(), Unknown.ERROR)
            .prop("shallow", BOOLEAN).prop("depth", INTEGER).prop("submodules", BOOLEAN).prop("tags", BOOLEAN);

    private static Shape mergeOr(Shape s) { return new OneOf(MERGE, s); }

    private static Shape stringList() { return new OneOf(MERGE, EACH, new Arr(STRING, false, "strings")); }

    static final Obj BUILD_OBJECT = new Obj("a mapping (variant, context, excludes, imagePullPolicy)", Set.of(), Unknown.ERROR)
            .prop("variant", mergeOr(STRING))
            .prop("context", mergeOr(STRING))
            .prop("excludes", stringList())
            .prop("imagePullPolicy", mergeOr(STRING));

    static final Obj CREDENTIAL = new Obj("a mapping (id, name)", Set.of(), Unknown.ERROR)
            .prop("id", mergeOr(STRING)).prop("name", mergeOr(STRING));

    static final Obj RUN_OBJECT = new Obj("a mapping (image, arguments, env, credentials, tail)", Set.of(), Unknown.ERROR)
            .prop("image", mergeOr(STRING))
            .prop("arguments", stringList())
            .prop("env", new OneOf(MERGE, new Obj("a mapping of variable names to strings", Set.of(), Unknown.ERROR).additional(mergeOr(STRING))))
            .prop("credentials", new OneOf(MERGE, EACH, new Arr(CREDENTIAL, false, "credentials")))
            .prop("tail", INTEGER);

    static final Obj COPY_OBJECT = new Obj("a mapping (from, source, destination, archive)", Set.of("source"), Unknown.ERROR)
            .prop("from", mergeOr(STRING))
            .prop("source", mergeOr(STRING))
            .prop("destination", mergeOr(STRING))
            .prop("archive", BOOLEAN);

    static final Shape COPY = new OneOf(MERGE, EACH, new Arr(new OneOf(MERGE, COPY_OBJECT, STRING), false, "files"));

    static final Obj PUBLISH_IMAGE = new Obj("a mapping (id, name, tag, tags)", Set.of(), Unknown.ERROR)
            .prop("id", mergeOr(STRING))
            .prop("name", mergeOr(STRING))
            .prop("tag", mergeOr(STRING))
            .prop("tags", new OneOf(MERGE, EACH, new Arr(mergeOr(STRING), false, "tags")));

    static final Obj PUBLISH = new Obj("a mapping (image)", Set.of(), Unknown.ERROR)
            .prop("image", new OneOf(BOOLEAN, PUBLISH_IMAGE));

    static final Obj CHART = new Obj("a mapping (name, version)", Set.of(), Unknown.WARN)
            .prop("name", mergeOr(STRING)).prop("version", mergeOr(STRING));

    static final Obj DEPLOY = new Obj("a mapping (image, cluster, chart, tag, test, timeout, overrides)", Set.of("chart"), Unknown.ERROR)
            .prop("image", mergeOr(STRING))
            .prop("cluster", new Const("ci"))
            .prop("chart", CHART)
            .prop("tag", mergeOr(STRING))
            .prop("test", BOOLEAN)
            .prop("timeout", INTEGER)
            .prop("overrides", new OneOf(MERGE, OBJECT));

    static final Obj PROMOTE_ITEM = new Obj("a mapping (chart, environments)", Set.of(), Unknown.ERROR)
            .prop("chart", mergeOr(STRING))
            .prop("environments", stringList());

    static final Shape PROMOTE = new OneOf(MERGE, EACH, new Arr(PROMOTE_ITEM, false, "charts"));

    static final Obj EMAIL = new Obj("a mapping (to, subject, body)", Set.of(), Unknown.ERROR)
            .prop("to", new OneOf(MERGE, EACH, STRING, new Arr(mergeOr(STRING), false, "addresses")))
            .prop("subject", mergeOr(STRING))
            .prop("body", mergeOr(STRING));

    static final Obj NOTIFY = new Obj("a mapping (email)", Set.of(), Unknown.ERROR).prop("email", EMAIL);

    static final Obj TRIGGER = new Obj("a mapping (name, parameters, propagate, wait)", Set.of("name"), Unknown.ERROR)
            .prop("name", STRING)
            .prop("parameters", new Obj("a mapping of parameter names to strings", Set.of(), Unknown.ERROR).additional(mergeOr(STRING)))
            .prop("propagate", BOOLEAN)
            .prop("wait", BOOLEAN);

    /** {@code definitions.stage}: {@code additionalProperties: false}. */
    static final Obj STAGE = new Obj("a stage (a mapping)", Set.of(), Unknown.ERROR)
            .prop("name", STRING)
            .prop("blubberfile", BLUBBERFILE)
            .prop("build", new OneOf(STRING, BUILD_OBJECT))
            .prop("run", new OneOf(BOOLEAN, RUN_OBJECT))
            .prop("copy", COPY)
            .prop("publish", PUBLISH)
            .prop("deploy", DEPLOY)
            .prop("promote", PROMOTE)
            .prop("notify", NOTIFY)
            .prop("trigger", TRIGGER)
            .prop("exports", OBJECT);

    /**
     * {@code execution}: a list of arcs, each a list of stage names without repeats; a list that is not of lists gets
     * PipelineLib's own message ({@code Pipeline.validate}).
     */
    static final class Execution extends Shape {
        private static final Shape ARC = new Arr(STRING, true, "stage names");

        @Override void check(String path, YamlValue v, Problems p) {
            if (!(v instanceof YamlValue.Sequence seq) || !seq.items().stream().allMatch(i -> i instanceof YamlValue.Sequence)) {
                p.error(v.line(), path, "`execution` graph must be a list of lists (graph branches)");
                return;
            }
            for (int i = 0; i < seq.items().size(); i++) ARC.check(path + "[" + i + "]", seq.items().get(i), p);
        }

        @Override String describe() { return "a list of lists of stage names"; }

        @Override boolean acceptsTypeOf(YamlValue v) { return v instanceof YamlValue.Sequence; }
    }

    static final Obj PIPELINE = new Obj("a pipeline (a mapping with stages)", Set.of("stages"), Unknown.WARN)
            .prop("blubberfile", BLUBBERFILE)
            .prop("directory", STRING)
            .prop("fetch", FETCH)
            .prop("notify", NOTIFY)
            .prop("execution", new Execution())
            .prop("stages", new Arr(STAGE, true, "stages"));

    static final Obj ROOT = new Obj("a mapping with 'pipelines'", Set.of("pipelines"), Unknown.WARN)
            .prop("pipelines", new Obj("a mapping of pipeline names to pipelines", Set.of(), Unknown.ERROR).additional(PIPELINE));

    /** Checks the whole document. */
    static Problems check(YamlValue root) {
        Problems p = new Problems();
        ROOT.check("", root, p);
        return p;
    }
}
