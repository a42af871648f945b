package org.imagetree.report;

import java.util.Locale;

/** How an image ended in a run. */
public enum Outcome {
    /** Built, verified and pushed in this run; the registry confirmed the digest. */
    PUBLISHED,
    /** Built and verified in this run, not pushed (publishing off or not configured). */
    BUILT,
    /** Already published (or nothing to do): left alone. */
    UNCHANGED,
    /** Not selected. */
    NOT_SELECTED,
    /** Build, verification or push failed. */
    FAILED,
    /** Not attempted: a parent failed or a dependency is missing. */
    SKIPPED;

    public String label() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    public boolean isFailure() { return this == FAILED || this == SKIPPED; }
}
