package org.imagetree.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One production image as its directory defines it: the newest changelog entry gives name and version,
 * {@code control} (optional) the declared dependencies ({@code Depends} and {@code Build-Depends} of every
 * paragraph, in file order, duplicates removed).
 *
 * @param directory        the image directory (contains {@code Dockerfile.template} and {@code changelog})
 * @param name             package name of the newest changelog entry
 * @param version          version of the newest changelog entry, as written
 * @param declaredDepends  names from {@code control}; empty when there is no control file
 * @param contextRoot      the build context boundary: no symlink the build sends may resolve outside it (the tree
 *                         directory the image was scanned from)
 */
public record ImageDefinition(Path directory, String name, String version, List<String> declaredDepends, Path contextRoot) {
    public static final String TEMPLATE = "Dockerfile.template";
    public static final String CHANGELOG = "changelog";
    public static final String CONTROL = "control";

    public ImageDefinition {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        declaredDepends = List.copyOf(declaredDepends);
        Objects.requireNonNull(contextRoot, "contextRoot");
    }

    /** A definition whose context boundary is its own directory. */
    public ImageDefinition(Path directory, String name, String version, List<String> declaredDepends) {
        this(directory, name, version, declaredDepends, directory);
    }

    public Path template() { return directory.resolve(TEMPLATE); }
    public Path changelog() { return directory.resolve(CHANGELOG); }
    public Path control() { return directory.resolve(CONTROL); }
}
