package org.imagetree.blubber.config;

import java.util.List;

/** One entry of {@code builders} (or a standalone {@code node}/{@code php}/{@code python}/{@code builder} key). */
public sealed interface Builder permits NodeBuilder, PhpBuilder, PythonBuilder, CustomBuilder {
    /** The key naming this builder type: node, php, python or custom. */
    String type();

    /** Requirements, or null when the key was absent. */
    List<Artifact> requirements();

    /** This builder merged with {@code next} of the same type (next wins). */
    Builder mergeWith(Builder next);

    /** Returns a if b is null, else b: used for "override if explicitly set". */
    static <T> T pick(T a, T b) { return b != null ? b : a; }

    /** Returns b if non-empty, else a. */
    static String pickNonEmpty(String a, String b) { return b != null && !b.isEmpty() ? b : a; }
}
