package org.imagetree.plan;

/** Where an image's {@code name:tag} exists when the run starts. */
public enum ImageState {
    /** The registry has {@code name:tag}. */
    PUBLISHED,
    /** Only the local engine has it. */
    BUILT,
    /** Nowhere yet. */
    TO_BUILD;

    /** {@code published}, {@code built}, {@code to-build}: spelt as build's outcomes ({@code not-selected}). */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
