package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.List;

/** A named variant: its includes and copies (variant-only keys) plus the common keys. */
public record Variant(String name, List<String> includes, List<Artifact> copies, CommonConfig common) {
    public Variant {
        includes = includes == null ? List.of() : List.copyOf(includes);
        copies = copies == null ? List.of() : List.copyOf(copies);
        common = common == null ? CommonConfig.EMPTY : common;
    }

    /**
     * {@code this ← next}: common keys merged; copies equal to one of next's are removed, then next's appended.
     * Includes are not merged.
     */
    public Variant merge(Variant next) {
        List<Artifact> merged = new ArrayList<>(copies);
        merged.removeIf(next.copies::contains);
        merged.addAll(next.copies);
        return new Variant(name, includes, merged, common.merge(next.common));
    }
}
