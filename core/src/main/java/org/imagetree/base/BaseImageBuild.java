package org.imagetree.base;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What happened to one distribution of a base image run.
 *
 * @param distro   the suite (bookworm, …)
 * @param tags     full references published ({@code registry/bookworm:20261127}, {@code …:latest}); empty when not published
 * @param digest   the image manifest digest (the same for the same inputs), null when the build failed
 * @param epoch    creation time of the package set (seconds), -1 when the build failed
 * @param snapshot whether the packages came from snapshot.debian.org (else the mirror as it was)
 * @param duration wall time of this distro
 * @param error    why it failed, when it did
 */
public record BaseImageBuild(String distro, List<String> tags, String digest, long epoch, boolean snapshot,
                             Duration duration, Optional<String> error) {
    public BaseImageBuild {
        tags = List.copyOf(tags);
    }

    public boolean succeeded() { return error.isEmpty(); }

    /** One line for a summary table. */
    public String summary() {
        if (!succeeded()) return String.format("%-12s FAILED  %6ds  %s", distro, duration.toSeconds(), error.get().lines().findFirst().orElse(""));
        return String.format("%-12s %-7s %6ds  %s  %s", distro, tags.isEmpty() ? "built" : "published", duration.toSeconds(),
                digest, String.join(" ", tags));
    }
}
