package org.imagetree.blubber.compile;

/**
 * How to compile: the {@code blubber.version} label value, the Dockerfile flavour and, for BuildKit, an optional
 * {@code # syntax} frontend image (none by default: the engine's built-in frontend is used, no registry needed).
 */
public record CompileOptions(String blubberVersion, Flavour flavour, String syntax) {
    /** Classic builder, BuildKit, or BuildKit only when a variant needs it. */
    public enum Flavour { AUTO, CLASSIC, BUILDKIT }

    public static final String DEFAULT_VERSION = "0.1.0+imagetree";

    public CompileOptions {
        blubberVersion = blubberVersion == null || blubberVersion.isEmpty() ? DEFAULT_VERSION : blubberVersion;
        flavour = flavour == null ? Flavour.AUTO : flavour;
        syntax = syntax == null ? "" : syntax;
    }

    public static CompileOptions defaults() { return new CompileOptions(DEFAULT_VERSION, Flavour.AUTO, ""); }

    public CompileOptions withFlavour(Flavour f) { return new CompileOptions(blubberVersion, f, syntax); }

    public CompileOptions withVersion(String v) { return new CompileOptions(v, flavour, syntax); }
}
