package org.imagetree.blubber.config;

import java.util.List;

/**
 * An element of {@code copies} or of a builder's {@code requirements}: files taken from {@code from}
 * ({@code local}, a variant name or an image reference). Empty strings mean "not given".
 */
public record Artifact(String from, String source, String destination, List<String> exclude) {
    public static final String LOCAL = "local";

    public Artifact {
        from = from == null ? "" : from;
        source = source == null ? "" : source;
        destination = destination == null ? "" : destination;
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public boolean isLocal() { return from.isEmpty() || LOCAL.equals(from); }
}
