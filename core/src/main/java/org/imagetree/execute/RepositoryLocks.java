package org.imagetree.execute;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One lock per registry repository on this machine, so two runs (two processes, or two builds in one Jenkins JVM)
 * never build and push the same image at the same time: the second waits, then finds the image published.
 *
 * <p>A lock is an OS file lock ({@link FileChannel#lock()}) on {@code <dir>/<repository>.lock}: the kernel releases it
 * when the process ends, however it ends (SIGKILL included), so there are no stale locks to recover; the file only
 * records the holder ({@code pid}, start time) for people. OS file locks are held per process, and the JVM refuses a
 * second lock of one file in one process, so runs in the same JVM also queue on an in-process semaphore per file
 * first: that map is the process-wide mirror of the OS locks and the only static state here.
 */
final class RepositoryLocks {
    /** Per lock file, the runs of this JVM queue here before taking the OS lock (see the class comment). */
    private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path dir;

    /** @param dir where lock files live (created on first use, mode 0700 when new) */
    RepositoryLocks(Path dir) {
        this.dir = dir;
    }

    /**
     * Where the locks of a user live on this machine: {@code $XDG_RUNTIME_DIR/imagetree/locks} when set, else
     * {@code ~/.cache/imagetree/locks}, else {@code fallback}.
     */
    static Path defaultDirectory(Map<String, String> env, Path fallback) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) return Path.of(runtime, "imagetree", "locks");
        String cache = env.get("XDG_CACHE_HOME");
        if (cache != null && !cache.isEmpty()) return Path.of(cache, "imagetree", "locks");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        if (home != null && !home.isEmpty()) return Path.of(home, ".cache", "imagetree", "locks");
        return fallback.resolve("imagetree-locks");
    }

    Path directory() { return dir; }

    /** A held lock; {@link #close()} releases it. */
    interface Held extends AutoCloseable {
        @Override void close();
    }

    /**
     * Takes the lock of {@code repository}, waiting as long as another run holds it; {@code waiting} is told once
     * when it has to wait.
     */
    Held acquire(String repository, Runnable waiting) throws IOException, InterruptedException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | UnsupportedOperationException e) {
                // another run made it first, or not a POSIX file system: the locks work all the same
            }
        }
        Path file = dir.resolve(fileName(repository)).toAbsolutePath().normalize();
        Semaphore local = IN_PROCESS.computeIfAbsent(file, f -> new Semaphore(1, true));
        boolean told = false;
        if (!local.tryAcquire()) {
            waiting.run();
            told = true;
            local.acquire();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                if (!told) waiting.run();
                lock = channel.lock(); // interruptible: an interrupt closes the channel (ClosedByInterruptException)
            }
            channel.truncate(0);
            ProcessHandle self = ProcessHandle.current();
            String holder = self.pid() + " " + self.info().startInstant().map(Object::toString).orElse("?") + " " + repository + "\n";
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            FileChannel held = channel;
            FileLock taken = lock;
            return () -> {
                try {
                    taken.release();
                    held.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock in any case
                } finally {
                    local.release();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // releasing
                }
            }
            local.release();
            if (e instanceof java.nio.channels.ClosedByInterruptException) throw new InterruptedException("interrupted waiting for the lock of " + repository);
            if (e instanceof OverlappingFileLockException) throw new IllegalStateException("lock of " + repository + " taken twice in one process", e);
            throw e;
        }
    }

    /** {@code registry/namespace/name} as a file name: unsafe characters replaced, unique by a short hash. */
    static String fileName(String repository) {
        String safe = repository.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 180) safe = safe.substring(0, 180);
        return safe + "-" + Integer.toHexString(repository.hashCode()) + ".lock";
    }
}
