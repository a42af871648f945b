package org.imagetree.blubber.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoded blubber.yaml (v4): the root common config (already on top of the built-in defaults) and the raw,
 * unexpanded variants in declaration order. {@code file} names the document in messages, {@code lines} gives the
 * line of each of its values.
 */
public record BlubberConfig(String file, String version, CommonConfig root, Map<String, Variant> variants, SourceLines lines) {
    public static final String CURRENT_VERSION = "v4";

    public BlubberConfig {
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        if (lines == null) lines = SourceLines.NONE;
    }

    /** A config not read from a file: no line numbers. */
    public BlubberConfig(String file, String version, CommonConfig root, Map<String, Variant> variants) {
        this(file, version, root, variants, SourceLines.NONE);
    }

    public boolean hasVariant(String name) { return variants.containsKey(name); }
}
