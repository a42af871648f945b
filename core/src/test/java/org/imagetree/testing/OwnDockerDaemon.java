package org.imagetree.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker daemon of a test's own (as root; host networking only: no bridge, no iptables), so the test can stop
 * and start it without touching the shared one. Short paths under /tmp (the exec root ends up in socket paths).
 * {@link #close()} stops it, unmounts what it mounted and deletes its directories.
 */
public final class OwnDockerDaemon implements AutoCloseable {
    private final Path dir;
    private Process process;

    private OwnDockerDaemon(Path dir) { this.dir = dir; }

    public static OwnDockerDaemon start() {
        try {
            OwnDockerDaemon d = new OwnDockerDaemon(Files.createTempDirectory(Path.of("/tmp"), "itd-"));
            d.startDaemon();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code unix:///…/docker.sock} */
    public String host() { return "unix://" + dir.resolve("docker.sock"); }

    public synchronized void startDaemon() {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        try {
            process = new ProcessBuilder("dockerd", "--bridge=none", "--iptables=false", "--ip-masq=false",
                    "--host", host(), "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("x").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new IllegalStateException("dockerd exited:\n" + log());
                try {
                    TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", host(), "version");
                    return;
                } catch (IllegalStateException notYet) {
                    Thread.sleep(300);
                }
            }
            throw new IllegalStateException("dockerd did not answer:\n" + log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the daemon as an operator would (SIGTERM), waiting until it is gone. */
    public synchronized void stopDaemon() {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies an image from the shared daemon into this one. */
    public void load(String image) {
        TestEnvironment.run(Map.of(), "bash", "-c", "set -o pipefail; /usr/bin/docker -H " + TestEnvironment.dockerHost()
                + " save " + image + " | /usr/bin/docker -H " + host() + " load");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        stopDaemon();
        for (Path root : List.of(dir.resolve("x"), dir.resolve("data"))) {
            try {
                // containers' and layers' mounts, deepest first
                for (String m : TestEnvironment.run(Map.of(), "findmnt", "-rn", "-o", "TARGET").lines().sorted(Comparator.reverseOrder()).toList()) {
                    if (m.startsWith(root + "/") || m.equals(root.toString())) {
                        new ProcessBuilder("umount", "-l", m).start().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // best effort
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
