package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.Artifact;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.Builder;
import org.imagetree.blubber.config.CustomBuilder;
import org.imagetree.blubber.config.Expansion;
import org.imagetree.blubber.config.Mount;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Expander;
import org.imagetree.blubber.config.Variant;
import org.imagetree.policy.PolicyChecker;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.Violation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The registry policy applied to a blubber.yaml: every image a build of a variant may pull must resolve to an allowed
 * registry: the {@code base} of every stage (the variant and the variants it copies from), every {@code copies} entry,
 * builder {@code requirements} entry and custom builder {@code mounts} entry whose {@code from} is an image reference
 * rather than {@code local} or a variant, and, given the compiled Dockerfile, everything it may pull (its
 * {@code # syntax} frontend included, see {@link org.imagetree.model.Dockerfiles#pulledImages}). Violations name the
 * file, the line of the value in it (for a {@code base}, the key that supplied it: the variant's own, an included
 * variant's or the root's) and the reference; a reference only the compiled Dockerfile names (a {@code # syntax}
 * frontend from the compile options) is reported at its line there, as {@code file (compiled Dockerfile)}.
 */
public final class BlubberRegistryPolicy {
    private BlubberRegistryPolicy() {}

    /** Violations of {@code variant}'s stages, in stage order, without duplicates. */
    public static List<Violation> check(Path file, BlubberConfig config, String variant, RegistryPolicy policy) {
        PolicyChecker checker = new PolicyChecker(policy);
        Map<String, Integer> lines = ConfigDecoder.baseLines(file);
        Map<String, Integer> valueLines = valueLines(file);
        List<Violation> out = new ArrayList<>();
        Expansion expansion = Expander.expand(config, variant);
        for (Variant stage : expansion.stages()) {
            String base = stage.common().base();
            checker.checkReference(file.toString(), line(config, lines, stage.name(), base), base)
                    .filter(v -> !out.contains(v)).ifPresent(out::add);
            for (String image : imagesCopiedFrom(expansion, stage)) {
                checker.checkReference(file.toString(), valueLines.getOrDefault(image, 0), image)
                        .filter(v -> !out.contains(v)).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    /**
     * As {@link #check(Path, BlubberConfig, String, RegistryPolicy)}, plus every image the compiled Dockerfile of the
     * variant may pull that the config check did not already report.
     */
    public static List<Violation> check(Path file, BlubberConfig config, String variant, CompiledDockerfile compiled,
                                        RegistryPolicy policy) {
        List<Violation> out = new ArrayList<>(check(file, config, variant, policy));
        Map<String, Integer> valueLines = valueLines(file);
        for (Violation v : new PolicyChecker(policy).checkDockerfile(file + " (compiled Dockerfile)", compiled.text())) {
            if (out.stream().anyMatch(o -> o.reference().equals(v.reference()))) continue;
            Integer line = valueLines.get(v.reference());
            out.add(line != null ? v.at(file.toString(), line) : v);
        }
        return List.copyOf(out);
    }

    /** Violations of every variant of the file (for {@code imagetree policy check}). */
    public static List<Violation> checkAll(Path file, BlubberConfig config, RegistryPolicy policy) {
        List<Violation> out = new ArrayList<>();
        for (String variant : config.variants().keySet()) {
            for (Violation v : check(file, config, variant, policy)) if (!out.contains(v)) out.add(v);
        }
        return List.copyOf(out);
    }

    /** The image references a stage copies or mounts from: {@code from} values that are neither local nor a stage. */
    static List<String> imagesCopiedFrom(Expansion expansion, Variant stage) {
        List<String> froms = new ArrayList<>();
        for (Artifact a : stage.copies()) froms.add(a.from());
        for (Builder b : stage.common().allBuilders()) {
            if (b.requirements() != null) for (Artifact a : b.requirements()) froms.add(a.from());
            if (b instanceof CustomBuilder cb) for (Mount m : cb.mountsOrEmpty()) froms.add(m.from());
        }
        List<String> out = new ArrayList<>();
        for (String f : froms) {
            if (f == null || f.isEmpty() || Artifact.LOCAL.equals(f) || expansion.stage(f) != null) continue;
            if (!out.contains(f)) out.add(f);
        }
        return out;
    }

    /** The first line of every scalar value of the file (not keys), to report a reference where it is written. */
    private static Map<String, Integer> valueLines(Path file) {
        Map<String, Integer> out = new java.util.HashMap<>();
        try {
            org.yaml.snakeyaml.nodes.Node root = new org.yaml.snakeyaml.Yaml().compose(
                    new java.io.StringReader(java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8)));
            collect(root, out);
        } catch (java.io.IOException | RuntimeException e) {
            // lines are a courtesy: the file was read and validated before
        }
        return out;
    }

    private static void collect(org.yaml.snakeyaml.nodes.Node node, Map<String, Integer> out) {
        if (node instanceof org.yaml.snakeyaml.nodes.ScalarNode s) {
            out.putIfAbsent(s.getValue(), s.getStartMark().getLine() + 1);
        } else if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode q) {
            for (org.yaml.snakeyaml.nodes.Node n : q.getValue()) collect(n, out);
        } else if (node instanceof org.yaml.snakeyaml.nodes.MappingNode m) {
            for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) collect(t.getValueNode(), out);
        }
    }

    /** The line of the {@code base} key that gave {@code variant} its base: its own, the last include's, the root's. */
    private static int line(BlubberConfig config, Map<String, Integer> lines, String variant, String base) {
        List<String> candidates = new ArrayList<>();
        candidates.add(variant);
        if (config.variants().containsKey(variant)) {
            List<String> included = new ArrayList<>(Expander.includedVariants(config, variant));
            Collections.reverse(included);
            candidates.addAll(included);
        }
        candidates.add("");
        for (String c : candidates) {
            String raw = c.isEmpty() ? config.root().base()
                    : config.variants().containsKey(c) ? config.variants().get(c).common().base() : "";
            if (base.equals(raw) && lines.containsKey(c)) return lines.get(c);
        }
        return 0;
    }
}
