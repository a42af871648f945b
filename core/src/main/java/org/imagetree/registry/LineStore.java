package org.imagetree.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A directory of the user's cache holding one file of lines per sha256 digest (the name is its hex), lines only ever
 * appended: what {@link KnownLayers} and {@link PushedImages} remember between runs. Several processes may share it:
 * each line is one short write with {@code O_APPEND}, so lines of processes writing at once do not mix, and a reader
 * skips a line cut short by a crash. Best effort: what cannot be read or written is logged at debug level and
 * treated as absent. The directory is made on first write, mode 0700.
 */
final class LineStore {
    private static final Logger LOG = LoggerFactory.getLogger(LineStore.class);
    private static final Pattern SHA256 = Pattern.compile("sha256:([0-9a-f]{64})");

    private final Path directory;

    /** @param directory the store, or null to remember nothing */
    LineStore(Path directory) {
        this.directory = directory;
    }

    /** The lines kept for {@code digest}; empty when there are none, the digest is not a sha256 or there is no store. */
    List<String> read(String digest) {
        Path file = file(digest);
        if (file == null) return List.of();
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", file, e.toString());
            return List.of();
        }
    }

    /** Appends {@code line} to what is kept for {@code digest}. */
    void append(String digest, String line) {
        Path file = file(digest);
        if (file == null) return;
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot write {}: {}", file, e.toString());
        }
    }

    private Path file(String digest) {
        if (directory == null) return null;
        var m = SHA256.matcher(digest);
        return m.matches() ? directory.resolve(m.group(1)) : null;
    }
}
