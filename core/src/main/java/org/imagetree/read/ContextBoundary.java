package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.imagetree.InputError;
import org.imagetree.model.ImageDefinition;

/**
 * The build context boundary, independent of git: a root directory (the tree directory given on the command line, or
 * a Blubber build context) that nothing a build reads or sends may leave through a symlink. Symlinks that stay inside
 * the root work as before (production-images links shared files across image directories).
 *
 * <p>A refused file is named with the link's own text ({@code leak: symlink points outside the build context
 * (-> /etc/shadow)}); its content is never read. Stateless.
 */
public final class ContextBoundary {
    /** The problem, as it follows the file name. */
    public static final String OUTSIDE = "symlink points outside the build context";

    /** The definition files of an image directory, which are read to model the tree. */
    public static final List<String> DEFINITION_FILES = List.of(ImageDefinition.TEMPLATE, ImageDefinition.CHANGELOG,
            ImageDefinition.CONTROL, DockerIgnore.FILE_NAME);

    private final Path root;
    private final Path realRoot;

    private ContextBoundary(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /** The boundary of {@code root} (which must exist). */
    public static ContextBoundary of(Path root) {
        Objects.requireNonNull(root, "root");
        try {
            return new ContextBoundary(root.toAbsolutePath().normalize(), root.toRealPath());
        } catch (NoSuchFileException e) {
            throw new InputError(root, 0, "directory not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + root, e);
        }
    }

    public Path root() { return root; }

    /**
     * Fails when {@code file} reaches outside the root through a symlink (the file itself or a directory on its way).
     * A file that does not exist, or that is outside the root without any symlink (a path given explicitly), passes.
     *
     * @throws InputError {@code file: symlink points outside the build context (-> target)}
     */
    public void requireInside(Path file) {
        problem(file).ifPresent(e -> { throw e; });
    }

    /** The problem {@link #requireInside} would throw, if any. */
    public java.util.Optional<InputError> problem(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return java.util.Optional.empty();
        Path real = real(file);
        if (real.startsWith(realRoot)) return java.util.Optional.empty();
        Path lexical = file.toAbsolutePath().normalize();
        if (real.equals(lexical) && !lexical.startsWith(root)) return java.util.Optional.empty(); // no symlink on the way
        return java.util.Optional.of(outside(file));
    }

    /** The problems of the definition files of an image directory ({@link #DEFINITION_FILES}), in that order. */
    public List<InputError> definitionProblems(Path imageDir) {
        List<InputError> out = new ArrayList<>();
        for (String name : DEFINITION_FILES) problem(imageDir.resolve(name)).ifPresent(out::add);
        return out;
    }

    /**
     * Every symlink among what a build of {@code contextDir} sends (its {@code .dockerignore} applied, as
     * {@link BuildContextWriter} applies it) that resolves outside the root, or would if it were not broken. Symlinks
     * to directories inside the root are followed, once each.
     */
    public List<InputError> contextProblems(Path contextDir) {
        List<InputError> out = new ArrayList<>();
        java.util.Optional<InputError> ignoreFile = problem(contextDir.resolve(DockerIgnore.FILE_NAME));
        if (ignoreFile.isPresent()) return List.of(ignoreFile.get()); // its rules cannot be read
        DockerIgnore ignore = DockerIgnore.forContext(contextDir);
        walk(contextDir, real(contextDir), "", ignore, new HashSet<>(), out);
        return out;
    }

    /** All problems of an image directory: definition files first, then what its build would send. */
    public List<InputError> imageProblems(Path imageDir) {
        List<InputError> out = new ArrayList<>(definitionProblems(imageDir));
        for (InputError e : contextProblems(imageDir)) if (out.stream().noneMatch(o -> o.getMessage().equals(e.getMessage()))) out.add(e);
        return out;
    }

    /** Throws the first of {@code problems}, if any. */
    public static void requireNone(List<InputError> problems) {
        if (!problems.isEmpty()) throw problems.get(0);
    }

    private void walk(Path shown, Path real, String rel, DockerIgnore ignore, Set<Path> visited, List<InputError> out) {
        if (!visited.add(real)) return;
        List<Path> children;
        try (Stream<Path> s = Files.list(real)) {
            children = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + shown, e);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            Path childShown = shown.resolve(name);
            boolean excluded = !childRel.equals(DockerIgnore.FILE_NAME) && ignore.excluded(childRel);
            boolean isDir = Files.isDirectory(child);
            if (excluded && !(isDir && ignore.mayReincludeUnder(childRel))) continue;
            if (Files.isSymbolicLink(child)) {
                Path target = resolvedOrLexical(child);
                if (!target.startsWith(realRoot)) {
                    out.add(outside(childShown));
                    continue;
                }
                if (isDir) walk(childShown, target, childRel, ignore, visited, out);
            } else if (isDir) {
                walk(childShown, child, childRel, ignore, visited, out);
            }
        }
    }

    private InputError outside(Path shown) {
        return new InputError(shown, 0, OUTSIDE + " (-> " + linkText(shown) + ")");
    }

    /** The text of the link {@code file}, or else of the first symlinked directory on its way below the root. */
    private String linkText(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) {
            try {
                return Files.readSymbolicLink(abs).toString();
            } catch (IOException e) {
                return "?";
            }
        }
        List<Path> chain = new ArrayList<>();
        for (Path p = abs; p != null && !p.equals(root); p = p.getParent()) chain.add(0, p);
        for (Path p : chain) {
            if (Files.isSymbolicLink(p)) {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "?";
                }
            }
        }
        return real(file).toString();
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return resolvedOrLexical(p);
        }
    }

    /** The real target of a link, or, when it is broken or loops, where its text points. */
    private static Path resolvedOrLexical(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            try {
                Path parent = link.toAbsolutePath().getParent();
                Path realParent = parent == null ? null : parent.toRealPath();
                Path text = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : link.getFileName();
                return realParent == null ? text.toAbsolutePath().normalize() : realParent.resolve(text).normalize();
            } catch (IOException again) {
                return link.toAbsolutePath().normalize();
            }
        }
    }
}
