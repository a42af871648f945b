package org.imagetree.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small image trees for executor tests: each image a directory with changelog, optional control, template. */
public final class SmallTree {
    private final Path images;

    private SmallTree(Path images) { this.images = images; }

    public static SmallTree at(Path images) {
        try {
            Files.createDirectories(images);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SmallTree(images);
    }

    public Path dir() { return images; }

    /** An image {@code name (version)} with this template and, when {@code depends} is not null, a control file. */
    public SmallTree image(String name, String version, String template, String depends) {
        try {
            Path d = Files.createDirectories(images.resolve(name));
            Files.writeString(d.resolve("changelog"), name + " (" + version + ") wikimedia; urgency=medium\n\n"
                    + "  * Test image.\n\n -- Test Bot <bot@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\n");
            Files.writeString(d.resolve("Dockerfile.template"), template);
            if (depends != null) {
                Files.writeString(d.resolve("control"), "Source: " + name + "\nMaintainer: Test Bot <bot@example.org>\n\n"
                        + "Package: " + name + "\nDepends: " + depends + "\nDescription: test\n");
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
