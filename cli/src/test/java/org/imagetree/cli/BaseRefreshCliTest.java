package org.imagetree.cli;

import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code base build} and {@code refresh} as base-images.md describes them (issue 26): bad input is one error line and
 * exit 2 before anything runs, a failed base image stops the refresh before any changelog changes, and an interrupted
 * run stops debuerreotype and removes its scratch directory. None of this needs a whole base image build: the
 * failures happen before debuerreotype, at its first step (an unknown suite), or while debootstrap waits on a mirror
 * that accepts connections and never answers (real debuerreotype and debootstrap, as root).
 */
class BaseRefreshCliTest {
    @TempDir Path dir;

    private Path tree() {
        return SmallTree.at(dir.resolve("images")).image("refreshed", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n", null).dir();
    }

    private static Map<Path, String> files(Path root) throws IOException {
        Map<Path, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) out.put(f, Files.readString(f));
        }
        return out;
    }

    private static List<String> scratch(Path javaTmp) throws IOException {
        if (!Files.isDirectory(javaTmp)) return List.of();
        try (Stream<Path> s = Files.list(javaTmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("base-")).toList();
        }
    }

    @Test
    void badBaseInputIsOneErrorLineAndExit2BeforeAnythingRuns() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "registry: ''\n");
        String[][] cases = {
                {"--timestamp", "yesterday", "invalid --timestamp 'yesterday'"},
                {"--timestamp", "2025-13-45", "invalid --timestamp '2025-13-45'"},
                {"--mirror", "notaurl", "invalid --mirror 'notaurl': expected an http(s) URL"},
                {"--apt-source", dir.resolve("sources/{distro}.list").toString(), dir.resolve("sources/bookworm.list")
                        + ": --apt-source: file not found (for bookworm)"},
                {"--apt-key", dir.resolve("missing.gpg").toString(), dir.resolve("missing.gpg") + ": --apt-key: file not found"},
        };
        for (String[] c : cases) {
            CliProcess r = CliProcess.run(Files.createDirectories(dir.resolve("run-" + c[0].substring(2))), Map.of(),
                    "-c", config.toString(), "base", "build", c[0], c[1], "bookworm");
            assertThat(r.exitCode()).as(String.join(" ", c) + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(c[0]).isEqualTo("error: " + c[2] + (c[2].startsWith("invalid --timestamp")
                    ? " (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z or @EPOCH)" : "") + "\n");
            assertThat(r.out()).as(c[0]).isEmpty();
            assertThat(scratch(dir.resolve("run-" + c[0].substring(2)).resolve("java-tmp"))).as(c[0]).isEmpty();
        }
    }

    @Test
    void refreshChecksItsDirectoriesAndOptionsBeforeAnyBaseImage() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path images = tree();
            Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + registry.host() + "\nbase_images:\n  - "
                    + registry.host() + "/bookworm:latest\n");
            Map<Path, String> before = files(images);
            String[][] cases = {
                    {"nosuchdir", dir.resolve("nosuchdir") + ": image directory not found"},
                    {"--timestamp=yesterday", "invalid --timestamp 'yesterday'"},
            };
            for (String[] c : cases) {
                Path run = Files.createDirectories(dir.resolve("run-" + c[0].replaceAll("\\W", "")));
                List<String> args = new ArrayList<>(List.of("-c", config.toString(), "refresh", "--distro", "bookworm"));
                if (c[0].startsWith("--")) args.addAll(List.of(c[0], images.toString()));
                else args.addAll(List.of(images.toString(), dir.resolve(c[0]).toString()));
                CliProcess r = CliProcess.run(run, Map.of(), args.toArray(String[]::new));
                assertThat(r.exitCode()).as(c[0] + ": " + r.all()).isEqualTo(2);
                assertThat(r.err()).as(c[0]).startsWith("error: " + c[1]);
                assertThat(r.all()).as(c[0]).doesNotContain("debuerreotype").doesNotContain("building base images");
                assertThat(scratch(run.resolve("java-tmp"))).isEmpty();
                assertThat(files(images)).isEqualTo(before);
            }
        }
    }

    /** A weekly job stops before changing anything when its first step failed (the base image). */
    @Test
    void aFailedBaseImageStopsTheRefreshBeforeAnyChangelogIsBumped() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path images = tree();
            Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + registry.host() + "\nbase_images:\n  - "
                    + registry.host() + "/bookworm:latest\n");
            Map<Path, String> before = files(images);
            CliRun r = CliRun.of("-c", config.toString(), "refresh", "--distro", "nosuchsuite", images.toString());
            assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
            assertThat(r.out()).containsPattern("nosuchsuite\\s+FAILED .*debuerreotype-init exited")
                    .contains("refresh stopped: a base image failed; no changelog was bumped and nothing was built")
                    .doesNotContain("changelog(s) bumped");
            assertThat(files(images)).isEqualTo(before);
        }
    }

    /**
     * Interrupted while debootstrap waits for the mirror: the command exits (130 for SIGINT), debuerreotype and
     * debootstrap are gone, and so is the scratch directory in the temporary directory; a refresh also leaves the
     * changelogs alone.
     */
    @Test
    void anInterruptedBaseBuildOrRefreshRemovesItsScratchDirectoryAndStopsDebootstrap() throws Exception {
        try (SilentMirror mirror = new SilentMirror(); LocalRegistry registry = LocalRegistry.start()) {
            Path images = tree();
            Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + registry.host() + "\nbase_images:\n  - "
                    + registry.host() + "/bookworm:latest\n");
            Map<Path, String> before = files(images);
            interrupt(dir.resolve("base"), mirror, "-c", config.toString(), "--info", "base", "build", "--mirror", mirror.url(), "bookworm");
            interrupt(dir.resolve("refresh"), mirror, "-c", config.toString(), "--info", "refresh", "--mirror", mirror.url(),
                    "--distro", "bookworm", images.toString());
            assertThat(files(images)).isEqualTo(before);
        }
    }

    private void interrupt(Path work, SilentMirror mirror, String... args) throws Exception {
        Path javaTmp = Files.createDirectories(work.resolve("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + javaTmp, Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(withDefaultSigint(cmd)).directory(work.toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) synchronized (output) { output.append(line).append('\n'); }
            } catch (IOException ignored) {
                // process gone
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (mirror.connections() == 0 || scratch(javaTmp).isEmpty()) {
                if (System.nanoTime() > deadline || !p.isAlive()) throw new AssertionError("debootstrap did not reach the mirror:\n" + output);
                Thread.sleep(200);
            }
            List<ProcessHandle> below = p.descendants().toList();
            assertThat(below).as("debuerreotype runs below the command").isNotEmpty();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits promptly:\n" + output).isTrue();
            reader.join(5000);
            assertThat(p.exitValue()).as(output.toString()).isEqualTo(130);
            assertThat(scratch(javaTmp)).as("scratch directory removed:\n" + output).isEmpty();
            assertThat(below.stream().filter(ProcessHandle::isAlive)).as("debuerreotype and debootstrap stopped").isEmpty();
            assertThat(output.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * {@code cmd} run with SIGINT as a terminal delivers it. A test run started in the background by a script
     * ({@code .ci/run &}) ignores SIGINT, its children inherit that, and a JVM that starts with SIGINT ignored rightly
     * keeps ignoring it (a background job's convention); the command is then started through a reset to the default.
     */
    private static List<String> withDefaultSigint(List<String> cmd) throws IOException {
        String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> l.substring("SigIgn:".length()).strip()).findFirst().orElse("0");
        if ((new java.math.BigInteger(ignored, 16).longValue() & (1L << 1)) == 0) return cmd; // bit 1: signal 2, SIGINT
        List<String> out = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        out.addAll(cmd);
        return out;
    }

    /** A mirror on loopback that accepts every connection and never answers: debootstrap waits on it. */
    static final class SilentMirror implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread acceptor;

        SilentMirror() throws IOException {
            acceptor = new Thread(() -> {
                try {
                    while (true) held.add(server.accept());
                } catch (IOException closed) {
                    // closed
                }
            }, "silent-mirror");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() { return "http://127.0.0.1:" + server.getLocalPort() + "/debian"; }

        int connections() { return held.size(); }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) {
                for (Socket s : held) s.close();
            }
        }
    }
}
