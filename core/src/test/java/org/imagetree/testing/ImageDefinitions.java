package org.imagetree.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small image definitions (changelog, template, optional control) for tests. */
public final class ImageDefinitions {
    private ImageDefinitions() {}

    /** {@code root/name/} with a one-entry changelog at {@code version}, the template, and {@code Depends} when given. */
    public static Path write(Path root, String name, String version, String template, String... depends) throws IOException {
        Path d = root.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("changelog"), name + " (" + version + ") wikimedia; urgency=medium\n\n  * x\n\n"
                + " -- A <a@b.c>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        Files.writeString(d.resolve("Dockerfile.template"), template);
        if (depends.length > 0) Files.writeString(d.resolve("control"), "Source: " + name + "\nDepends: " + String.join(", ", depends) + "\n");
        return d;
    }
}
