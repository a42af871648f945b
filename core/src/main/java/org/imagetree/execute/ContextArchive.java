package org.imagetree.execute;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The build context as the tar archive the Engine API takes: every file and directory of a prepared context directory
 * (symlinks kept as links), with its permission bits, owned by root. Written next to the context directory, mode 0600.
 */
final class ContextArchive {
    private ContextArchive() {}

    /** Writes {@code <contextDir>.tar} and returns it; the caller deletes it. */
    static Path write(Path contextDir) throws IOException {
        Path archive = contextDir.resolveSibling(contextDir.getFileName() + ".tar");
        Files.deleteIfExists(archive);
        Files.createFile(archive, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(contextDir)) {
            entries = walk.filter(p -> !p.equals(contextDir)).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(archive, StandardOpenOption.TRUNCATE_EXISTING);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : entries) {
                String name = contextDir.relativize(p).toString().replace('\\', '/');
                TarArchiveEntry e;
                if (Files.isSymbolicLink(p)) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    e = new TarArchiveEntry(name + "/");
                    e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode(p));
                } else {
                    e = new TarArchiveEntry(name);
                    e.setSize(Files.size(p));
                    e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode(p));
                }
                e.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
                tar.putArchiveEntry(e);
                if (e.isFile()) Files.copy(p, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return archive;
    }

    private static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
