package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.imagetree.InputError;

/**
 * Assembles a build context like docker-pkg ({@code shutil.copytree} of the image directory, then the rendered
 * {@code Dockerfile}): symlinks to files and directories are dereferenced (production-images links shared files
 * from sibling directories, which Docker itself would refuse), the image's {@code .dockerignore} is applied with
 * Docker's full semantics ({@link DockerIgnore}), and file modes (executable bits) are kept.
 * {@code Dockerfile} and {@code .dockerignore} are always in the context, as Docker always sends them.
 */
public final class BuildContextWriter {
    public static final String DOCKERFILE = "Dockerfile";

    private BuildContextWriter() {}

    /** Copies {@code imageDir} into {@code targetDir} (created; must be absent or empty). Links may point anywhere. */
    public static Path assemble(Path imageDir, Path targetDir, String dockerfileContent) {
        return assemble(imageDir, targetDir, dockerfileContent, null);
    }

    /**
     * Like {@link #assemble(Path, Path, String)}, but a symlink the build would send whose target is outside
     * {@code boundary} (the tree directory, or a Blubber context) is an {@link InputError}
     * ({@code file: symlink points outside the build context (-> target)}), so a definition cannot pull host files into a
     * context. Excluded entries ({@code .dockerignore}) are not sent and not looked at.
     */
    public static Path assemble(Path imageDir, Path targetDir, String dockerfileContent, Path boundary) {
        try {
            Path source = imageDir.toRealPath();
            ContextBoundary realBoundary = boundary == null ? null : ContextBoundary.of(boundary);
            prepareTarget(targetDir);
            if (realBoundary != null) realBoundary.requireInside(imageDir.resolve(DockerIgnore.FILE_NAME));
            DockerIgnore ignore = DockerIgnore.forContext(imageDir);
            Deque<Path> stack = new ArrayDeque<>();
            stack.push(source);
            copyChildren(new Copy(imageDir, ignore, realBoundary, true), imageDir, source, targetDir, "", stack);
            Files.writeString(targetDir.resolve(DOCKERFILE), dockerfileContent, StandardCharsets.UTF_8);
            return targetDir;
        } catch (NoSuchFileException e) {
            throw new InputError(imageDir, 0, "image directory not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot assemble build context of " + imageDir + " in " + targetDir, e);
        }
    }

    /**
     * Copies what a build of {@code contextDir} sends with {@code ignore} in place of its {@code .dockerignore} (a
     * PipelineLib {@code build.excludes}) into {@code targetDir} (created; must be absent or empty), as
     * {@link #assemble(Path, Path, String, Path)} does but keeping the context's own {@code Dockerfile} and writing none.
     */
    public static Path copyContext(Path contextDir, Path targetDir, DockerIgnore ignore, Path boundary) {
        try {
            Path source = contextDir.toRealPath();
            ContextBoundary realBoundary = boundary == null ? null : ContextBoundary.of(boundary);
            prepareTarget(targetDir);
            Deque<Path> stack = new ArrayDeque<>();
            stack.push(source);
            copyChildren(new Copy(contextDir, ignore, realBoundary, false), contextDir, source, targetDir, "", stack);
            return targetDir;
        } catch (NoSuchFileException e) {
            throw new InputError(contextDir, 0, "build context not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the build context " + contextDir + " to " + targetDir, e);
        }
    }

    private record Copy(Path imageDir, DockerIgnore ignore, ContextBoundary boundary, boolean replaceDockerfile) {}

    private static void prepareTarget(Path targetDir) throws IOException {
        if (Files.isDirectory(targetDir)) {
            try (Stream<Path> s = Files.list(targetDir)) {
                if (s.findAny().isPresent()) throw new IllegalArgumentException("target directory is not empty: " + targetDir);
            }
        } else {
            Files.createDirectories(targetDir);
        }
    }

    /**
     * @param shown   the directory as seen from the image dir (path through links), for messages
     * @param real    its resolved location
     * @param rel     its path relative to the context root ("" for the root), slash separated
     * @param stack   real paths of the directories being copied, to detect links to an ancestor
     */
    private static void copyChildren(Copy c, Path shown, Path real, Path target, String rel, Deque<Path> stack)
            throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(real)) {
            children = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            Path childShown = shown.resolve(name);
            if (c.replaceDockerfile() && childRel.equals(DOCKERFILE)) continue; // replaced by the rendered Dockerfile
            boolean alwaysSent = childRel.equals(DockerIgnore.FILE_NAME);
            Path dest = target.resolve(name);
            if (!alwaysSent && c.ignore().excluded(childRel)) {
                if (Files.isDirectory(child) && c.ignore().mayReincludeUnder(childRel)) {
                    descend(c, childShown, resolve(c, childShown, child), dest, childRel, stack, false);
                }
                continue;
            }
            Path resolved = resolve(c, childShown, child);
            boolean isDir = Files.isDirectory(resolved);
            if (isDir) {
                descend(c, childShown, resolved, dest, childRel, stack, true);
            } else if (Files.isRegularFile(resolved)) {
                Files.createDirectories(target);
                Files.copy(resolved, dest, StandardCopyOption.COPY_ATTRIBUTES);
            } else {
                throw new InputError(childShown, 0, "not a regular file or directory, cannot be put in a build context");
            }
        }
    }

    private static void descend(Copy c, Path shown, Path real, Path dest, String rel, Deque<Path> stack, boolean create)
            throws IOException {
        if (stack.contains(real)) {
            throw new InputError(shown, 0, "symlink loop: resolves to " + real + ", which contains it");
        }
        if (create) {
            Files.createDirectories(dest);
            copyMode(real, dest);
        }
        stack.push(real);
        copyChildren(c, shown, real, dest, rel, stack);
        stack.pop();
    }

    private static Path resolve(Copy c, Path shown, Path child) {
        if (!Files.isSymbolicLink(child)) return child;
        if (c.boundary() != null) {
            // Outside the boundary is refused whether or not the target exists; the target is never opened.
            c.boundary().requireInside(shown);
        }
        Path real;
        try {
            real = child.toRealPath();
        } catch (NoSuchFileException e) {
            throw new InputError(shown, 0, "broken symlink to " + readLink(child));
        } catch (FileSystemException e) {
            // ELOOP: "Too many levels of symbolic links"
            throw new InputError(shown, 0, "symlink loop: " + readLink(child));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return real;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void copyMode(Path from, Path to) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(to, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to keep
        }
    }
}
