package org.imagetree.cli;

import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as its own process (as Jenkins runs it), stopped with SIGTERM in the middle of a build:
 * it exits non-zero promptly, the engine's build container is gone and no temporary build context is left.
 */
class SigtermTest {

    @Test
    void sigtermStopsTheBuildAndRemovesItsContextsAndContainers(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String marker = "imagetree-sigterm-" + UUID.randomUUID();
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("sleepy", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + marker + " && sleep 300\n", null)
                .image("sleepy-too", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + marker + "-2 && sleep 300\n", null);
        Path config = Files.writeString(tmp.resolve("config.yaml"), "base_images:\n  - " + TestEnvironment.BASE_IMAGE + "\n");
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + javaTmp, Main.class.getName(),
                "-c", config.toString(), "--info", "build", "--no-pull", "--jobs", "2", tree.dir().toString())
                .directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", TestEnvironment.dockerHost());
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Void> bothRunning = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                int seen = 0;
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) { output.append(line).append('\n'); }
                    // the echo's own output (not the step line) means the RUN container is up
                    if (line.matches(".*\\b" + marker + "(-2)?\\s*$") && !line.contains("RUN") && ++seen == 2) bothRunning.complete(null);
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        reader.start();
        try {
            bothRunning.get(240, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("builds did not start:\n" + output, e);
        }
        assertThat(containers(marker)).as("the build containers run").hasSize(2);
        assertThat(contexts(javaTmp)).as("the temporary contexts exist").hasSize(2);

        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits promptly:\n" + output).isTrue();
        reader.join(5000);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(p.exitValue()).as(output.toString()).isNotZero();
        assertThat(seconds).isLessThan(45);
        assertThat(contexts(javaTmp)).as("temporary contexts deleted").isEmpty();
        try (Stream<Path> left = Files.list(javaTmp)) {
            assertThat(left.filter(f -> f.getFileName().toString().startsWith("imagetree-"))).as("the run's directory deleted").isEmpty();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!containers(marker).isEmpty() && System.nanoTime() < deadline) Thread.sleep(500);
        assertThat(containers(marker)).as("build containers removed").isEmpty();
        assertThat(output.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** The image directories (context and its archive) in the run's private directory, and anything else of ours. */
    private static List<String> contexts(Path dir) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith("imagetree-")).toList()) {
                if (!f.getFileName().toString().startsWith("imagetree-run-")) {
                    out.add(f.getFileName().toString());
                    continue;
                }
                try (Stream<Path> inRun = Files.list(f)) {
                    inRun.filter(Files::isDirectory).forEach(c -> out.add(c.getFileName().toString()));
                }
            }
        }
        return out;
    }

    private static List<String> containers(String marker) {
        String ps = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "ps", "-a", "--no-trunc",
                "--format", "{{.ID}} {{.Command}}");
        return ps.lines().filter(l -> l.contains(marker)).toList();
    }
}
