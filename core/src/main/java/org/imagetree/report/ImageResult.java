package org.imagetree.report;

import java.time.Duration;

/**
 * What happened to one image.
 *
 * @param name     image name
 * @param tag      tag (version)
 * @param label    full label
 * @param outcome  how it ended
 * @param digest   manifest digest in the registry, or null
 * @param duration time spent on it in this run
 * @param reason   why, in words (the cause for a failure)
 */
public record ImageResult(String name, String tag, String label, Outcome outcome, String digest, Duration duration, String reason) {}
