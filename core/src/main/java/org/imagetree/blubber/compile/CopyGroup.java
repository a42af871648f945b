package org.imagetree.blubber.compile;

import java.util.List;

/** One COPY: sources from {@code from} ("" = build context) to {@code destination}, with excludes. */
record CopyGroup(String from, List<String> sources, String destination, List<String> excludes) {
    CopyGroup {
        sources = List.copyOf(sources);
        excludes = List.copyOf(excludes);
    }

    boolean isLocal() { return from.isEmpty(); }

    /** Multiple sources need a directory destination. */
    String effectiveDestination() {
        return sources.size() > 1 && !destination.endsWith("/") ? destination + "/" : destination;
    }
}
