package org.imagetree.plan;

/** What a run does with an image. */
public enum Action {
    /** Build, verify and (when publishing) push. */
    BUILD,
    /** Already built locally: verify and push. */
    PUBLISH,
    /** Nothing: published already, or not selected. */
    NONE,
    /** Cannot build: a dependency is missing; the reason says which. */
    BLOCKED;

    /** Whether a run works on the image (builds or publishes it). */
    public boolean isWork() { return this == BUILD || this == PUBLISH; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
