package org.imagetree.pipeline.expr;

import org.imagetree.pipeline.read.YamlValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringTokenizer;

/**
 * PipelineLib's interpolation ({@code ExecutionContext.NodeContext.interpolate}), value for value:
 * <ul>
 * <li>a string's variables are replaced by their values; a value that is missing or false-like (empty, 0, false)
 * gives the default ({@code ${.x|default}}, else ""); a missing name without a dot ({@code ${HOME}}) is left as
 * written, for the shell; a missing dotted name, or a namespace that is not an ancestor, is an error;</li>
 * <li>{@code {$each, $in, $delimiter, $yield}} splits {@code $in} at any character of {@code $delimiter} (default a
 * newline; empty pieces dropped) and yields {@code $yield} (default {@code ${.VAR}}) once per piece, in a frame where
 * {@code ${.VAR}} is the piece; a list of variables takes the piece's space-separated words;</li>
 * <li>{@code {$merge, $with}} is Groovy's {@code +}: mappings merged (the right one wins), lists concatenated;</li>
 * <li>mapping keys and values, and list items, are interpolated in turn; other scalars are kept.</li>
 * </ul>
 * In {@link Mode#RUN} the first error is thrown. In {@link Mode#PLAN} bindings may be {@link Unresolved.Unknown}
 * (a value the run will give): what depends on them stays an {@link Unresolved} expression, and every error is
 * collected instead of thrown, so a plan reports them all.
 */
public final class Interpolator {
    /** Whether errors are thrown (a run) or collected (a plan). */
    public enum Mode { RUN, PLAN }

    private final Mode mode;
    private final List<ExpressionException> errors = new ArrayList<>();

    private Interpolator(Mode mode) { this.mode = mode; }

    /** A plan's result: the value, as far as it is known, and every error. */
    public record Planned(Object value, List<ExpressionException> errors) {
        public Planned {
            errors = List.copyOf(errors);
        }
    }

    /**
     * The value of {@code v} in {@code ctx}.
     *
     * @throws ExpressionException at the line of the value that failed, prefixed with {@code path}
     */
    public static Object run(String path, YamlValue v, ExecutionContext.NodeContext ctx) {
        return new Interpolator(Mode.RUN).value(path, v, ctx);
    }

    /** As far as {@code ctx} knows it, with every error. */
    public static Planned plan(String path, YamlValue v, ExecutionContext.NodeContext ctx) {
        Interpolator i = new Interpolator(Mode.PLAN);
        Object value = i.value(path, v, ctx);
        return new Planned(value, i.errors);
    }

    private void fail(ExpressionException e) {
        if (mode == Mode.RUN) throw e;
        errors.add(e);
    }

    private Object value(String path, YamlValue v, ExecutionContext.NodeContext ctx) {
        if (v instanceof YamlValue.Scalar s) {
            return s.value() instanceof String str ? string(path, str, s.line(), ctx) : s.value();
        }
        if (v instanceof YamlValue.Sequence seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) out.add(value(path + "[" + i + "]", seq.items().get(i), ctx));
            return out;
        }
        YamlValue.Mapping m = (YamlValue.Mapping) v;
        if (m.has("$each")) return each(path, m, ctx);
        if (m.has("$merge")) return merge(path, m, ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        for (YamlValue.Entry e : m.entries()) {
            Object key = string(path, e.key(), e.keyLine(), ctx);
            out.put(String.valueOf(key), value(path.isEmpty() ? e.key() : path + "." + e.key(), e.value(), ctx));
        }
        return out;
    }

    /** A string with its variables replaced; an {@link Unresolved.Template} when some are not known yet. */
    private Object string(String path, String s, int line, ExecutionContext.NodeContext ctx) {
        if (!Lexer.hasVariables(s)) return s;
        List<Lexer.Token> tokens;
        try {
            tokens = Lexer.tokenize(s);
        } catch (Lexer.InvalidVariableException e) {
            fail(new ExpressionException(line, prefix(path) + e.getMessage()));
            return s;
        }
        StringBuilder b = new StringBuilder();
        boolean unknown = false;
        for (Lexer.Token t : tokens) {
            if (t instanceof Lexer.Literal l) {
                b.append(l.source());
                continue;
            }
            Lexer.Variable var = (Lexer.Variable) t;
            Object value;
            try {
                value = ctx.lookup(var.name());
            } catch (ExecutionContext.NameNotFoundException e) {
                if (var.hasDefault()) {
                    b.append(var.defaultValue());
                } else if (!var.name().contains(".")) {
                    b.append(var.source()); // not a pipeline variable: left for the shell (PipelineLib T291554)
                } else {
                    fail(new ExpressionException(line, prefix(path) + e.getMessage()));
                    b.append(var.source());
                }
                continue;
            } catch (ExecutionContext.AncestorNotFoundException e) {
                fail(new ExpressionException(line, prefix(path) + e.getMessage()));
                b.append(var.source());
                continue;
            }
            if (value instanceof Unresolved) {
                unknown = true;
                b.append(var.source());
            } else {
                b.append(truthy(value) ? text(value) : var.defaultValue());
            }
        }
        return unknown ? new Unresolved.Template(b.toString()) : b.toString();
    }

    private Object each(String path, YamlValue.Mapping m, ExecutionContext.NodeContext ctx) {
        YamlValue varValue = m.get("$each").orElseThrow();
        List<String> vars = new ArrayList<>();
        boolean single = varValue instanceof YamlValue.Scalar;
        if (single) {
            vars.add(String.valueOf(((YamlValue.Scalar) varValue).value()));
        } else {
            for (YamlValue i : ((YamlValue.Sequence) varValue).items()) vars.add(String.valueOf(i.toJava()));
        }
        String delimiter = m.get("$delimiter").map(YamlValue::toJava).filter(d -> d instanceof String ds && !ds.isEmpty())
                .map(String::valueOf).orElse("\n");
        YamlValue output = m.get("$yield").filter(Interpolator::truthyYaml).orElse(null);
        if (output == null) {
            if (!single) {
                fail(new ExpressionException(m.line(), prefix(path) + "$yield is required when $each names several variables"));
                return List.of();
            }
            output = YamlValue.Scalar.string("${." + vars.get(0) + "}", m.line());
        }
        YamlValue in = m.get("$in").filter(Interpolator::truthyYaml).orElse(YamlValue.Scalar.string("", m.line()));
        Object input = value(path + ".$in", in, ctx);
        if (input instanceof Unresolved) {
            Map<String, Object> unknownVars = new LinkedHashMap<>();
            for (String var : vars) unknownVars.put(var, new Unresolved.Unknown("." + var));
            Map<String, Object> shape = new LinkedHashMap<>();
            shape.put("$each", single ? vars.get(0) : vars);
            shape.put("$in", ((Unresolved) input).shape());
            m.get("$delimiter").ifPresent(d -> shape.put("$delimiter", d.toJava()));
            Object yielded = value(path + ".$yield", output, ctx.dive(unknownVars));
            shape.put("$yield", yielded instanceof Unresolved u ? u.shape() : yielded);
            return new Unresolved.Deferred(shape);
        }
        List<Object> pieces = new ArrayList<>();
        if (input instanceof String str) {
            StringTokenizer t = new StringTokenizer(str, delimiter);
            while (t.hasMoreTokens()) pieces.add(t.nextToken());
        } else if (input instanceof List<?> l) {
            pieces.addAll(l);
        } else {
            pieces.add(input);
        }
        List<Object> out = new ArrayList<>();
        for (Object piece : pieces) {
            Map<String, Object> bindings = new LinkedHashMap<>();
            if (single) {
                bindings.put(vars.get(0), piece);
            } else {
                List<String> words = new ArrayList<>();
                StringTokenizer t = new StringTokenizer(String.valueOf(piece), " ");
                while (t.hasMoreTokens()) words.add(t.nextToken());
                if (words.size() < vars.size()) {
                    fail(new ExpressionException(m.line(), prefix(path) + "insufficient number of values given (" + words
                            + ") to bind to variables (" + vars + ")"));
                    continue;
                }
                for (int i = 0; i < vars.size(); i++) bindings.put(vars.get(i), words.get(i));
            }
            out.add(value(path + "[" + out.size() + "]", output, ctx.dive(bindings)));
        }
        return out;
    }

    private Object merge(String path, YamlValue.Mapping m, ExecutionContext.NodeContext ctx) {
        Object left = value(path + ".$merge", m.get("$merge").orElseThrow(), ctx);
        Object right = m.get("$with").map(w -> value(path + ".$with", w, ctx)).orElse(null);
        if (left instanceof Unresolved || right instanceof Unresolved) {
            Map<String, Object> shape = new LinkedHashMap<>();
            shape.put("$merge", left instanceof Unresolved u ? u.shape() : left);
            shape.put("$with", right instanceof Unresolved u ? u.shape() : right);
            return new Unresolved.Deferred(shape);
        }
        try {
            return plus(left, right);
        } catch (IllegalArgumentException e) {
            fail(new ExpressionException(m.line(), prefix(path) + e.getMessage()));
            return left;
        }
    }

    /** Groovy's {@code +} on what a merge expression's operands may be. */
    static Object plus(Object left, Object right) {
        if (left instanceof Map<?, ?> l && right instanceof Map<?, ?> r) {
            Map<Object, Object> out = new LinkedHashMap<>(l);
            out.putAll(r);
            return out;
        }
        if (left instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l);
            if (right instanceof List<?> r) out.addAll(r);
            else out.add(right);
            return out;
        }
        if (left instanceof String l) return l + text(right);
        throw new IllegalArgumentException("cannot merge " + kind(left) + " with " + kind(right));
    }

    private static String kind(Object o) {
        if (o instanceof Map) return "a mapping";
        if (o instanceof List) return "a list";
        if (o == null) return "nothing";
        return "a " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static String prefix(String path) { return path.isEmpty() ? "" : path + ": "; }

    /** Groovy truth: null, "", empty collections, false and 0 are false. */
    public static boolean truthy(Object o) {
        if (o == null) return false;
        if (o instanceof String s) return !s.isEmpty();
        if (o instanceof java.util.Collection<?> c) return !c.isEmpty();
        if (o instanceof Map<?, ?> m) return !m.isEmpty();
        if (o instanceof Boolean b) return b;
        if (o instanceof Number n) return n.doubleValue() != 0;
        return true;
    }

    private static boolean truthyYaml(YamlValue v) {
        if (v instanceof YamlValue.Sequence s) return !s.items().isEmpty();
        if (v instanceof YamlValue.Mapping m) return !m.entries().isEmpty();
        return truthy(((YamlValue.Scalar) v).value());
    }

    /** A value as Groovy prints it in a string: lists {@code [a, b]}, mappings {@code [k:v]}. */
    public static String text(Object o) {
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(text(k) + ":" + text(v)));
            return parts.isEmpty() ? "[:]" : "[" + String.join(", ", parts) + "]";
        }
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object i : l) parts.add(text(i));
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(o);
    }
}
