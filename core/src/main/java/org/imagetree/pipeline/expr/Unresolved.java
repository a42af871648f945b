package org.imagetree.pipeline.expr;

import java.util.List;
import java.util.Map;

/**
 * A value a plan cannot know before the pipeline runs (an image ID, the run's timestamp, a comprehension over a
 * container's output), kept in the plan as the expression that will give it.
 */
public sealed interface Unresolved permits Unresolved.Template, Unresolved.Deferred, Unresolved.Unknown {
    /** The expression, as the plan shows it. */
    Object shape();

    /** A string with variables not known yet, e.g. {@code ${setup.timestamp}-candidate}. */
    record Template(String text) implements Unresolved {
        @Override public Object shape() { return text; }

        @Override public String toString() { return text; }
    }

    /** A {@code $each} or {@code $merge} whose operands are not known yet, as a mapping with what is known of them. */
    record Deferred(Map<String, Object> expression) implements Unresolved {
        @Override public Object shape() { return expression; }

        @Override public String toString() { return String.valueOf(expression); }
    }

    /** A binding that will have a value once the step that binds it has run. */
    record Unknown(String name) implements Unresolved {
        @Override public Object shape() { return "${" + name + "}"; }

        @Override public String toString() { return "${" + name + "}"; }
    }

    /** Whether {@code value} (a string, list or map, or one of these) is known all through. */
    static boolean isKnown(Object value) {
        if (value instanceof Unresolved) return false;
        if (value instanceof List<?> l) return l.stream().allMatch(Unresolved::isKnown);
        if (value instanceof Map<?, ?> m) return m.values().stream().allMatch(Unresolved::isKnown);
        return true;
    }
}
