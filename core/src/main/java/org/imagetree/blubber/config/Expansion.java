package org.imagetree.blubber.config;

import java.util.List;

/**
 * The result of expanding a target variant: the stages to build in order (every variant the target copies
 * from, leaves first, then the target), each fully expanded (root ← includes ← variant).
 */
public record Expansion(BlubberConfig config, String target, List<Variant> stages) {
    public Expansion {
        stages = List.copyOf(stages);
    }

    public Variant targetVariant() { return stages.get(stages.size() - 1); }

    /** The expanded stage with this name, or null when the name is not a stage. */
    public Variant stage(String name) {
        return stages.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }
}
