package org.imagetree.execute;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The private temporary directory of one run ({@code <workDir>/imagetree-run-<pid>-<random>}, mode 0700): build
 * contexts and their archives go below it, and {@link #close()} deletes it. While the run lives it holds an OS lock on
 * the directory's {@code owner} file; a run that was killed (SIGKILL, power loss) loses that lock with its process, so
 * the next run in the same work directory finds its directory unlocked and deletes it ({@link #open}).
 */
final class RunDirectory implements AutoCloseable {
    static final String PREFIX = "imagetree-run-";
    private static final String OWNER = "owner";
    /**
     * Run directories of live runs in this JVM. They are never opened by another run here: on Linux, closing any
     * channel to a file drops every lock this process holds on it (POSIX record locks), so a look at a sibling run's
     * lock from the same JVM would release it. The process-wide mirror of the OS locks, hence static.
     */
    private static final java.util.Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Deletes the directories of dead runs in {@code workDir}, then makes this run's.
     *
     * @param removed told the path of every dead run's directory deleted
     */
    static RunDirectory open(Path workDir, java.util.function.Consumer<Path> removed) throws IOException {
        Files.createDirectories(workDir);
        removeDead(workDir, removed);
        Path dir = Files.createTempDirectory(workDir, PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        LIVE.add(dir.toAbsolutePath().normalize());
        // Locked under another name, then renamed (same file, lock kept): another process never finds an unlocked owner.
        FileChannel channel = FileChannel.open(dir.resolve(OWNER + ".new"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.lock();
            Files.move(dir.resolve(OWNER + ".new"), dir.resolve(OWNER), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new RunDirectory(dir, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            LIVE.remove(dir.toAbsolutePath().normalize());
            ScratchDirectories.delete(dir);
            throw e;
        }
    }

    /** Deletes the directories of dead runs in {@code workDir} (if it exists), telling {@code removed} each one. */
    static void removeDead(Path workDir, java.util.function.Consumer<Path> removed) throws IOException {
        if (!Files.isDirectory(workDir)) return;
        for (Path leftover : deadRuns(workDir)) {
            ScratchDirectories.delete(leftover);
            if (!Files.exists(leftover)) removed.accept(leftover);
        }
    }

    /** Run directories in {@code workDir} whose owner is gone (its lock can be taken). */
    static List<Path> deadRuns(Path workDir) throws IOException {
        List<Path> dead = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(workDir, PREFIX + "*")) {
            for (Path d : entries) {
                if (!Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS) || LIVE.contains(d.toAbsolutePath().normalize())) continue;
                if (!Files.isRegularFile(d.resolve(OWNER))) {
                    // a run killed between making its directory and locking it (or a foreign directory): leave it a
                    // minute, so a run that is starting right now is not robbed
                    if (Files.getLastModifiedTime(d).toMillis() < System.currentTimeMillis() - 60_000) dead.add(d);
                    continue;
                }
                try (FileChannel c = FileChannel.open(d.resolve(OWNER), StandardOpenOption.WRITE)) {
                    FileLock l = c.tryLock();
                    if (l != null) {
                        l.release();
                        dead.add(d);
                    }
                } catch (OverlappingFileLockException e) {
                    // held by a live run in this JVM
                } catch (IOException e) {
                    // not ours to judge (permissions): leave it
                }
            }
        }
        return dead;
    }

    Path path() { return dir; }

    @Override
    public void close() {
        LIVE.remove(dir.toAbsolutePath().normalize());
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // deleting the directory is what matters
        }
        ScratchDirectories.delete(dir);
    }
}
