package org.imagetree.pipeline.execute;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A {@code copy} step's files, from the archive the Engine API gives for a path of a stopped container into the
 * working directory, with {@code docker cp}'s rules (what PipelineLib runs): a source ending in {@code /} copies a
 * directory's contents; a destination that is an existing directory receives the source under its own name; otherwise
 * the source takes the destination's name; the destination's parent directories are made first
 * ({@code mkdir -p "$(dirname DEST)"}).
 *
 * <p>Unlike {@code docker cp}, nothing is written outside {@code boundary} (the repository): an entry naming a parent
 * ({@code ..}), a path through a symlink, a symlink pointing out of it, a hard link or a device is refused, and modes
 * keep only the permission bits. Stateless.
 */
public final class ContainerCopy {
    private ContainerCopy() {}

    /** A copy that would write outside the repository or cannot be done as {@code docker cp} would. */
    public static final class CopyException extends IOException {
        private static final long serialVersionUID = 1L;

        CopyException(String message) { super(message); }
    }

    /**
     * Extracts {@code tar} (the archive of {@code source}) to {@code destination}.
     *
     * @param source      the container path as asked (ending {@code /.} for a directory's contents)
     * @param destination absolute, inside {@code boundary}
     * @param destinationIsDirectory whether the destination was written with a trailing {@code /}
     * @return the paths written at the top (the file, or the directory)
     */
    public static List<Path> extract(InputStream tar, String source, Path destination, boolean destinationIsDirectory, Path boundary)
            throws IOException {
        Path realBoundary = boundary.toRealPath();
        List<Path> written = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            Entry first = next(in);
            if (first == null) throw new CopyException("the container has nothing at " + source);
            // The archive starts with the path itself: a directory entry when the source is a directory.
            boolean sourceIsDir = first.entry.isDirectory();
            boolean contentsOnly = source.endsWith("/.") || source.equals(".");
            requireInside(destination, realBoundary, destination);
            Files.createDirectories(parentOf(destination));
            requireInside(parentOf(destination).toRealPath(), realBoundary, destination);
            Path base;
            if (contentsOnly) {
                if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
                    throw new CopyException("cannot copy the contents of directory " + source + " to the file " + destination);
                }
                Files.createDirectories(destination);
                base = destination;
            } else if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
                base = destination.resolve(first.root);
            } else if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                if (sourceIsDir) throw new CopyException("cannot copy the directory " + source + " to the file " + destination);
                base = destination;
            } else {
                if (destinationIsDirectory && !sourceIsDir) throw new CopyException("the destination directory " + destination + " does not exist");
                base = destination;
            }
            requireInside(base, realBoundary, destination);
            for (Entry e = first; e != null; e = next(in)) {
                Path target = e.rest.isEmpty() ? base : base.resolve(e.rest).normalize();
                if (!target.startsWith(base)) throw new CopyException("the archive entry " + e.entry.getName() + " leads out of " + base);
                requireInside(parentOf(target), realBoundary, destination);
                if (e.rest.isEmpty() && !written.contains(base)) written.add(base);
                write(e, in, target, realBoundary);
            }
        }
        return written;
    }

    private record Entry(TarArchiveEntry entry, String root, String rest) {}

    private static Entry next(TarArchiveInputStream tar) throws IOException {
        TarArchiveEntry e = tar.getNextEntry();
        if (e == null) return null;
        String name = e.getName();
        while (name.startsWith("/")) name = name.substring(1);
        if (name.endsWith("/")) name = name.substring(0, name.length() - 1);
        for (String part : name.split("/")) {
            if (part.equals("..")) throw new CopyException("the archive entry " + e.getName() + " names a parent directory");
        }
        int slash = name.indexOf('/');
        String root = slash < 0 ? name : name.substring(0, slash);
        String rest = slash < 0 ? "" : name.substring(slash + 1);
        if (rest.startsWith("./")) rest = rest.substring(2);
        return new Entry(e, root, rest);
    }

    private static void write(Entry e, InputStream content, Path target, Path realBoundary) throws IOException {
        TarArchiveEntry t = e.entry;
        if (Files.isSymbolicLink(target)) throw new CopyException(target + " is a symlink: not written through");
        if (t.isLink()) throw new CopyException(e.entry.getName() + " is a hard link: not copied");
        if (t.isDirectory()) {
            Files.createDirectories(target);
            setMode(target, t.getMode() | 0700);
        } else if (t.isSymbolicLink()) {
            Path link = Path.of(t.getLinkName());
            Files.createDirectories(parentOf(target));
            Path resolved = parentOf(target).toRealPath().resolve(link).normalize();
            if (link.isAbsolute() || !resolved.startsWith(realBoundary)) {
                throw new CopyException(e.entry.getName() + " is a symlink to " + t.getLinkName() + ", outside the repository: not copied");
            }
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, link);
        } else if (t.isFile()) {
            Files.createDirectories(parentOf(target));
            Path tmp = Files.createTempFile(parentOf(target), ".copy-", "");
            try {
                Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
                setMode(tmp, t.getMode());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } else {
            throw new CopyException(e.entry.getName() + " is neither a file, a directory nor a symlink: not copied");
        }
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        return parent == null ? p.toAbsolutePath() : parent;
    }

    /** Fails unless {@code p}, resolved through the symlinks that exist on its way, is inside {@code realBoundary}. */
    private static void requireInside(Path p, Path realBoundary, Path destination) throws CopyException {
        Path existing = p.toAbsolutePath().normalize();
        Path rest = existing.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) throw new CopyException(destination + " is outside the repository");
        Path real;
        try {
            real = existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            throw new CopyException("cannot resolve " + existing + ": " + e.getMessage());
        }
        if (!real.startsWith(realBoundary)) throw new CopyException(destination + " leads outside the repository (to " + real + ")");
    }

    private static void setMode(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) perms.add(order[i]);
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OWNER_WRITE);
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }
}
