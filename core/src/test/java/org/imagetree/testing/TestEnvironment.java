package org.imagetree.testing;

import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.EngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

/**
 * What integration tests share: the repository and shared/ directories, the real Docker Engine, and the
 * Debian base image the tests make once per run from Debian packages ({@code scripts/base-image.sh}).
 */
public final class TestEnvironment {
    /** The local base image every test tree builds on; made by scripts/base-image.sh. */
    public static final String BASE_IMAGE = "imagetree-local/bookworm:latest";
    private static boolean baseReady;

    private TestEnvironment() {}

    public static Path repo() {
        String p = System.getProperty("imagetree.repo");
        Path start = p != null ? Path.of(p) : Path.of("").toAbsolutePath();
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("scripts")) && Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("core"))) return d;
        }
        throw new IllegalStateException("cannot find the repository root from " + start);
    }

    public static Path shared() {
        String p = System.getProperty("imagetree.shared");
        if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
        Path s = repo().resolveSibling("shared");
        if (Files.isDirectory(s)) return s;
        throw new IllegalStateException("cannot find shared/ (set -Dimagetree.shared)");
    }

    public static String dockerHost() {
        return Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(s -> !s.isEmpty()).orElse("unix:///var/run/docker.sock");
    }

    public static ContainerEngine engine() { return new DockerJavaEngine(dockerHost()); }

    /** Makes the Debian base image once per run (debootstrap minbase); a no-op when it exists. */
    public static synchronized String baseImage() {
        if (baseReady) return BASE_IMAGE;
        run(Map.of(), "bash", repo().resolve("scripts/base-image.sh").toString(), BASE_IMAGE);
        baseReady = true;
        return BASE_IMAGE;
    }

    /** Publishes the base image to a registry as {@code <registry>/bookworm:latest} and returns that reference. */
    public static String publishBaseImage(String registryHost) {
        String target = registryHost + "/bookworm:latest";
        try (ContainerEngine e = engine()) {
            e.tag(baseImage(), target);
            e.push(target, Optional.empty(), line -> { });
        } catch (EngineException ex) {
            throw new IllegalStateException("cannot publish the base image: " + ex.getMessage(), ex);
        }
        return target;
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    public static String run(Map<String, String> env, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited " + code + ":\n" + out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Copies a directory tree, keeping symlinks as symlinks (relative links stay valid in the copy). */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isSymbolicLink(file)) Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                else Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
