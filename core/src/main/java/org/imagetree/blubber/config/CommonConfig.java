package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys allowed both at the root and in a variant. Null means "not given" for the optional objects
 * ({@code node}, {@code php}, {@code python}, {@code builder}, {@code builders}, {@code entrypoint}).
 */
public record CommonConfig(String base, Map<String, String> arguments, AptConfig apt, List<Builder> builders,
                           NodeBuilder node, PhpBuilder php, PythonBuilder python, CustomBuilder builder,
                           Lives lives, Runs runs, List<String> entrypoint) {
    public static final CommonConfig EMPTY = new CommonConfig("", Map.of(), AptConfig.EMPTY, null, null, null, null,
            null, Lives.EMPTY, Runs.EMPTY, null);
    /** The built-in defaults that the root config is decoded on top of. */
    public static final CommonConfig DEFAULTS = new CommonConfig("", Map.of(), AptConfig.EMPTY, null, null, null, null,
            null, Lives.DEFAULT, Runs.DEFAULT, null);

    public CommonConfig {
        base = base == null ? "" : base;
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(arguments));
        apt = apt == null ? AptConfig.EMPTY : apt;
        builders = builders == null ? null : List.copyOf(builders);
        lives = lives == null ? Lives.EMPTY : lives;
        runs = runs == null ? Runs.EMPTY : runs;
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    }

    public boolean isScratch() { return base.isEmpty(); }

    public List<Builder> buildersOrEmpty() { return builders == null ? List.of() : builders; }

    /** The builders in execution order: the {@code builders} list, then node, php, python, builder. */
    public List<Builder> allBuilders() {
        List<Builder> all = new ArrayList<>(buildersOrEmpty());
        if (node != null) all.add(node);
        if (php != null) all.add(php);
        if (python != null) all.add(python);
        if (builder != null) all.add(builder);
        return all;
    }

    /** The working directory at the end of the stage: runs.in, else lives.in; "/" for scratch. */
    public String finalWorkingDirectory() {
        if (isScratch()) return "/";
        return runs.in().isEmpty() ? lives.in() : runs.in();
    }

    /** {@code this ← next} with Blubber's merge rules (spec §3.1, §3.2). */
    public CommonConfig merge(CommonConfig next) {
        Map<String, String> args = new TreeMap<>(arguments);
        args.putAll(next.arguments);
        return new CommonConfig(Builder.pickNonEmpty(base, next.base), args, apt.merge(next.apt),
                mergeBuilderLists(builders, next.builders), mergeOne(node, next.node), mergeOne(php, next.php),
                mergeOne(python, next.python), mergeOne(builder, next.builder), lives.merge(next.lives),
                runs.merge(next.runs), next.entrypoint != null ? next.entrypoint : entrypoint);
    }

    @SuppressWarnings("unchecked")
    private static <B extends Builder> B mergeOne(B a, B b) {
        if (a == null) return b;
        if (b == null) return a;
        return (B) a.mergeWith(b);
    }

    /**
     * Parent node/python/php entries that the child also has are merged into the child's entry (at the child's
     * position); the others, and all parent custom entries, are kept first in parent order.
     */
    static List<Builder> mergeBuilderLists(List<Builder> parent, List<Builder> child) {
        if (parent == null) return child;
        if (child == null) return parent;
        List<Builder> kept = new ArrayList<>();
        List<Builder> merged = new ArrayList<>(child);
        for (Builder p : parent) {
            int idx = p instanceof CustomBuilder ? -1 : indexOfType(child, p.type());
            if (idx < 0) kept.add(p);
            else merged.set(idx, p.mergeWith(merged.get(idx)));
        }
        kept.addAll(merged);
        return kept;
    }

    private static int indexOfType(List<Builder> list, String type) {
        for (int i = 0; i < list.size(); i++) if (list.get(i).type().equals(type)) return i;
        return -1;
    }
}
