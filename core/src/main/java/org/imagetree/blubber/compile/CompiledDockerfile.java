package org.imagetree.blubber.compile;

/** A compiled Dockerfile and whether it must be built with BuildKit. */
public record CompiledDockerfile(String target, String text, boolean buildKit) {}
