package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Access to test resources and the shared conformance data (system property {@code imagetree.shared}). */
final class TestFiles {
    private TestFiles() {}

    static Path resource(String name) {
        try {
            var url = TestFiles.class.getResource(name);
            if (url == null) throw new IllegalArgumentException("no test resource " + name);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path p, String content) {
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            return Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path shared() {
        String dir = System.getProperty("imagetree.shared");
        if (dir == null) throw new IllegalStateException("system property imagetree.shared is not set");
        return Path.of(dir);
    }

    static Path productionImages() {
        return shared().resolve("conformance/production-images/images");
    }
}
