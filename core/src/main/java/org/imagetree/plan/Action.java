package org.imagetree.plan;

/** What a run does with an image. */
public enum Action {
    /** Build, verify and (when publishing) push. */
    BUILD,
    /** Already built locally: verify and push. */
    PUBLISH,
    /**
     * Published, but a tag the build pushes besides the version tag ({@code latest}) is missing or points at another
     * digest: set it from the published manifest (a manifest PUT, no rebuild).
     */
    TAG,
    /** Nothing: published already, or not selected. */
    NONE,
    /** Cannot build: a dependency is missing; the reason says which. */
    BLOCKED;

    /** Whether a run works on the image (builds, publishes or re-tags it). */
    public boolean isWork() { return this == BUILD || this == PUBLISH || this == TAG; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
