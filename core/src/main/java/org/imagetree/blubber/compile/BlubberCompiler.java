package org.imagetree.blubber.compile;

import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.Builder;
import org.imagetree.blubber.config.CustomBuilder;
import org.imagetree.blubber.config.Expander;
import org.imagetree.blubber.config.Expansion;
import org.imagetree.blubber.config.Policy;
import org.imagetree.blubber.config.Variant;

import java.util.List;
import java.util.Map;

/**
 * Compiles a Blubber v4 config into a Dockerfile (the v0.23 text, spec §3.5–§3.6): one stage per variant the
 * target copies from, leaves first, then the target; a blank line after each stage; then the
 * {@code blubber.variant} and {@code blubber.version} labels. Two flavours: classic (with the §3.9 fallbacks)
 * and BuildKit ({@code RUN --mount} for caches and mounts).
 */
public final class BlubberCompiler {
    private BlubberCompiler() {}

    /** Expands {@code variant} (validating again) and compiles it. */
    public static String compile(BlubberConfig config, String variant, CompileOptions options) {
        return compileDockerfile(Expander.expand(config, variant), options).text();
    }

    /** Expands, checks the policy (may be null), compiles. */
    public static CompiledDockerfile compile(BlubberConfig config, String variant, Policy policy, CompileOptions options) {
        Expansion expansion = Expander.expand(config, variant);
        if (policy != null) policy.check(expansion);
        return compileDockerfile(expansion, options);
    }

    public static CompiledDockerfile compileDockerfile(Expansion expansion, CompileOptions options) {
        boolean buildKit = switch (options.flavour()) {
            case BUILDKIT -> true;
            case CLASSIC -> false;
            case AUTO -> needsBuildKit(expansion);
        };
        StringBuilder text = new StringBuilder();
        if (buildKit && !options.syntax().isEmpty()) text.append("# syntax=").append(options.syntax()).append('\n');
        boolean labs = options.syntax().contains("labs");
        for (Variant stage : expansion.stages()) {
            for (String line : new StageCompiler(expansion, stage, buildKit, labs).compile()) text.append(line).append('\n');
            text.append('\n');
        }
        StageWriter labels = new StageWriter();
        labels.label(Map.of("blubber.variant", expansion.target(), "blubber.version", options.blubberVersion()));
        text.append(labels.lines().get(0)).append('\n');
        return new CompiledDockerfile(expansion.target(), text.toString(), buildKit);
    }

    /** True when a stage uses caches, mounts or excludes, which only BuildKit expresses natively. */
    public static boolean needsBuildKit(Expansion expansion) {
        for (Variant v : expansion.stages()) {
            if (v.copies().stream().anyMatch(a -> !a.exclude().isEmpty())) return true;
            for (Builder b : v.common().allBuilders()) {
                if (b.requirements() != null && b.requirements().stream().anyMatch(a -> !a.exclude().isEmpty())) return true;
                if (b instanceof CustomBuilder cb && (!cb.mountsOrEmpty().isEmpty() || !cb.cachesOrEmpty().isEmpty())) return true;
            }
        }
        return false;
    }

    public static boolean needsBuildKit(BlubberConfig config, String variant) {
        return needsBuildKit(Expander.expand(config, variant));
    }

    /** The stage names a compile of {@code variant} produces, in order. */
    public static List<String> stages(BlubberConfig config, String variant) {
        return Expander.expand(config, variant).stages().stream().map(Variant::name).toList();
    }
}
