package org.imagetree.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removing a run's scratch directories (build contexts, Dockerfiles, spooled layers, docker client configs): best
 * effort, since what a killed run leaves behind is removed by the next one. The base-image builder's chroots, whose
 * files are root's and may span mounts, are removed by {@code rm --one-file-system} instead ({@code base.BaseImages}).
 */
public final class ScratchDirectories {
    private ScratchDirectories() {}

    /** Deletes {@code dir} and everything in it; a directory that does not exist is fine, a file that cannot go stays. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the next run removes what is left
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
