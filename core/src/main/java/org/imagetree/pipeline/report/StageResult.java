package org.imagetree.pipeline.report;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stage's outcome: its status and, when it did not succeed, why; how long it took; the images it built (variant,
 * image ID, the local name other stages may use), the references it published with their digests, the deploy's release
 * and the values the stage bound for later stages ({@code ${stage.key}}, as strings; a container's output is masked).
 */
public record StageResult(String pipeline, String stage, StageStatus status, String reason, Duration duration,
                          List<BuiltImage> images, List<PublishedImage> published, Map<String, String> exports) {
    public StageResult {
        Objects.requireNonNull(status);
        reason = Objects.requireNonNullElse(reason, "");
        duration = Objects.requireNonNullElse(duration, Duration.ZERO);
        images = List.copyOf(images);
        published = List.copyOf(published);
        exports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(exports));
    }

    /** An image a {@code build} step made. {@code buildKit}: built with BuildKit (pushed through the docker CLI). */
    public record BuiltImage(String variant, String id, String localName, boolean buildKit) {}

    /** A reference a {@code publish} step pushed, with the digest the registry serves for it. */
    public record PublishedImage(String reference, String digest) {}

    public static StageResult notRun(String pipeline, String stage, StageStatus status, String reason) {
        return new StageResult(pipeline, stage, status, reason, Duration.ZERO, List.of(), List.of(), Map.of());
    }
}
