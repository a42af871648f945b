package org.imagetree.blubber;

import org.imagetree.blubber.config.BlubberConfig;
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
 * The registry policy applied to a blubber.yaml: every {@code base} of an expanded variant, and of the variants it
 * copies from, must resolve to an allowed registry. Violations name the file, the line of the {@code base} key that
 * supplied the value (the variant's own, an included variant's, or the root's) and the reference.
 */
public final class BlubberRegistryPolicy {
    private BlubberRegistryPolicy() {}

    /** Violations of {@code variant}'s stages, in stage order, without duplicates. */
    public static List<Violation> check(Path file, BlubberConfig config, String variant, RegistryPolicy policy) {
        PolicyChecker checker = new PolicyChecker(policy);
        Map<String, Integer> lines = ConfigDecoder.baseLines(file);
        List<Violation> out = new ArrayList<>();
        for (Variant stage : Expander.expand(config, variant).stages()) {
            String base = stage.common().base();
            checker.checkReference(file.toString(), line(config, lines, stage.name(), base), base)
                    .filter(v -> !out.contains(v)).ifPresent(out::add);
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
