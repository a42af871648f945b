package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expansion of includes and copies (spec §3.1–§3.3). Unlike Blubber, the copies graph is computed from fully
 * expanded variants, so dependencies a dependency inherits through its own includes are stages too.
 */
public final class Expander {
    private Expander() {}

    /** Expands {@code target} and validates every expanded stage again. */
    public static Expansion expand(BlubberConfig config, String target) {
        requireVariant(config, target);
        Map<String, Variant> expanded = new LinkedHashMap<>();
        DependencyGraph includes = includesGraph(config);
        try {
            expanded.put(target, expandIncludes(config, includes, target));
        } catch (IllegalStateException e) {
            throw error(config, "processing includes for variant '" + target + "': " + e.getMessage());
        }
        // Only the variants the target's stages can reach through copies, requirements and mounts are expanded (each
        // expansion walks its includes; expanding every variant of a long includes chain was quadratic).
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(variantsCopiedFrom(config, expanded.get(target)));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (expanded.containsKey(name)) continue;
            Variant v;
            try {
                v = expandIncludes(config, includes, name);
            } catch (IllegalStateException e) {
                v = config.variants().get(name);
            }
            expanded.put(name, v);
            todo.addAll(variantsCopiedFrom(config, v));
        }
        List<Variant> stages = new ArrayList<>();
        try {
            for (String dep : copiesGraph(config, expanded).dependencies(target)) stages.add(expanded.get(dep));
        } catch (IllegalStateException e) {
            throw error(config, "processing copies for variant '" + target + "': " + e.getMessage());
        }
        stages.add(expanded.get(target));
        List<ConfigValidator.Problem> problems = ConfigValidator.expandedProblems(config, stages);
        if (!problems.isEmpty()) throw new ValidationError(config, problems);
        return new Expansion(config, target, stages);
    }

    /** The variants {@code name} includes, transitively, leaves first (spec §3.1 deps(V)). */
    public static List<String> includedVariants(BlubberConfig config, String name) {
        requireVariant(config, name);
        try {
            return includesGraph(config).dependencies(name);
        } catch (IllegalStateException e) {
            throw error(config, "processing includes for variant '" + name + "': " + e.getMessage());
        }
    }

    private static Variant expandIncludes(BlubberConfig config, DependencyGraph graph, String name) {
        List<String> deps = graph.dependencies(name);
        Variant result = new Variant(name, List.of(), List.of(), CommonConfig.EMPTY)
                .merge(new Variant(name, List.of(), List.of(), config.root()));
        for (String dep : deps) result = result.merge(config.variants().get(dep));
        Variant self = config.variants().get(name);
        result = result.merge(self);
        return new Variant(name, List.of(), result.copies(), result.common());
    }

    private static DependencyGraph includesGraph(BlubberConfig config) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        config.variants().forEach((name, v) -> edges.put(name,
                v.includes().stream().filter(i -> !Artifact.LOCAL.equals(i)).distinct().toList()));
        return new DependencyGraph(edges);
    }

    private static DependencyGraph copiesGraph(BlubberConfig config, Map<String, Variant> expanded) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        expanded.forEach((name, v) -> edges.put(name, variantsCopiedFrom(config, v)));
        return new DependencyGraph(edges);
    }

    /** The variants an expanded variant copies from (copies, builder requirements, custom builder mounts). */
    private static List<String> variantsCopiedFrom(BlubberConfig config, Variant v) {
        List<String> froms = new ArrayList<>();
        v.copies().forEach(a -> froms.add(a.from()));
        for (Builder b : v.common().allBuilders()) {
            if (b.requirements() != null) b.requirements().forEach(a -> froms.add(a.from()));
            if (b instanceof CustomBuilder cb) cb.mountsOrEmpty().forEach(m -> froms.add(m.from()));
        }
        // 'local' is the build context, never a variant, even beside a variant named "local" (as Blubber).
        return froms.stream().filter(f -> !Artifact.LOCAL.equals(f) && config.hasVariant(f)).distinct().toList();
    }

    /** Blubber's message for a variant that does not exist, with the variants that do. */
    private static void requireVariant(BlubberConfig config, String name) {
        if (config.hasVariant(name)) return;
        String known = config.variants().isEmpty() ? "the config defines no variant"
                : "existing variants: " + String.join(", ", new java.util.TreeSet<>(config.variants().keySet()));
        throw error(config, "processing includes for variant '" + name + "': There is no key '" + name
                + "' in the dependency graph (" + known + ")");
    }

        private static BlubberError error(BlubberConfig config, String message) {
        return new BlubberError(BlubberError.Kind.EXPANSION, config.file(), 0, message);
    }
}
