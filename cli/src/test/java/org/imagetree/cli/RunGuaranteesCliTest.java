package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a run guarantees, with the command line as separate processes: two {@code build}s of one tree started together
 * both end with reports that match the registry; a run killed with SIGKILL leaves nothing behind once the next run is
 * done (its private temporary directory, with the context archive, is removed; the engine removes its build container).
 */
class RunGuaranteesCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoBuildProcessesOfOneTreeStartedTogetherBothReportWhatTheRegistryServes(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = UUID.randomUUID().toString();
        String version = "1." + Math.abs(run.hashCode() % 1_000_000); // no local image of an earlier run counts as built
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("pair-a", version, "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /a && sleep 1\n", null)
                .image("pair-b", version, "FROM {{ \"pair-a\" | image_tag }}\nRUN echo b > /b\n", "pair-a")
                .image("pair-c", version, "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /c\n", null);
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + registry.host() + "\nbase_images:\n  - "
                    + TestEnvironment.BASE_IMAGE + "\nallowed_registries:\n  - " + registry.host() + "\n  - docker.io/imagetree-local\n");
            // One user on one machine: the same cache directory (where the repository locks live), separate work dirs.
            Map<String, String> env = Map.of("XDG_CACHE_HOME", Files.createDirectories(tmp.resolve("cache")).toString());
            List<CompletableFuture<CliProcess>> runs = new ArrayList<>();
            List<Path> works = new ArrayList<>();
            // A thread per run: CompletableFuture's default pool has one thread on a 2-core machine with Java 21 and
            // later (ForkJoinPool.asyncCommonPool), which ran the two processes one after the other.
            java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(2);
            for (int i = 0; i < 2; i++) {
                Path work = Files.createDirectories(tmp.resolve("run-" + i));
                works.add(work);
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return CliProcess.run(work, env, "-c", config.toString(), "build", "--no-pull", "--jobs", "2",
                                "--format", "json", tree.dir().toString());
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, starters));
            }
            starters.shutdown();
            RegistryClient client = RegistryClient.builder().build();
            int publishedByUs = 0;
            for (int i = 0; i < 2; i++) {
                CliProcess p = runs.get(i).get(10, TimeUnit.MINUTES);
                assertThat(p.exitCode()).as(p.all()).isZero();
                JsonNode report = JSON.readTree(p.out().substring(p.out().indexOf("{\n")));
                assertThat(report.path("images")).hasSize(3);
                for (JsonNode image : report.path("images")) {
                    String name = image.path("name").asText();
                    String state = image.path("state").asText();
                    assertThat(state).as(p.all()).isIn("published", "unchanged");
                    if (state.equals("published")) publishedByUs++;
                    else assertThat(image.path("reason").asText()).as(name).contains("published by another run (digest " + image.path("digest").asText() + ")");
                    for (String tag : List.of(version, "latest")) {
                        Optional<ManifestDescriptor> served = client.headManifest(ImageReference.parse(registry.host() + "/" + name + ":" + tag));
                        assertThat(served).as(name + ":" + tag).isPresent();
                        assertThat(image.path("digest").asText()).as("the report's digest of " + name + " is what the registry serves for " + tag)
                                .isEqualTo(served.get().digest());
                    }
                }
                try (Stream<Path> left = Files.list(works.get(i).resolve("java-tmp"))) {
                    assertThat(left).as("temporary files deleted").isEmpty();
                }
            }
            assertThat(publishedByUs).as("each image was pushed by exactly one of the runs").isEqualTo(3);
        }
    }

    @Test
    void aRunKilledWithSigkillLeavesNothingBehindOnceTheNextRunIsDone(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String marker = "imagetree-sigkill-" + UUID.randomUUID();
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("killed", "1." + Math.abs(marker.hashCode()), "FROM " + TestEnvironment.BASE_IMAGE + "\nCOPY Dockerfile /\nRUN echo " + marker + " && sleep 300\n", null);
        Path config = Files.writeString(tmp.resolve("config.yaml"), "base_images:\n  - " + TestEnvironment.BASE_IMAGE + "\n");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path javaTmp = Files.createDirectories(work.resolve("java-tmp"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + javaTmp, Main.class.getName(),
                "-c", config.toString(), "--info", "build", "--no-pull", tree.dir().toString())
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", TestEnvironment.dockerHost());
        pb.environment().put("HOME", Files.createDirectories(work.resolve("home")).toString());
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) { output.append(line).append('\n'); }
                    if (line.matches(".*\\b" + marker + "\\s*$") && !line.contains("RUN")) running.complete(null);
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        reader.start();
        try {
            running.get(240, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("the build did not start:\n" + output, e);
        }
        List<Path> runDirs = runDirectories(javaTmp);
        assertThat(runDirs).as("the run's private directory exists").hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runDirs.get(0)))).isEqualTo("rwx------");
        List<Path> archives;
        try (Stream<Path> s = Files.walk(runDirs.get(0))) {
            archives = s.filter(f -> f.getFileName().toString().endsWith(".tar")).toList();
        }
        assertThat(archives).as("the build context archive, while the engine builds").hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archives.get(0)))).isEqualTo("rw-------");
        assertThat(containers(marker)).as("the build container runs").hasSize(1);

        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        assertThat(runDirectories(javaTmp)).as("a killed run leaves its directory").hasSize(1);

        // The next run (the template no longer sleeps) removes what the killed run left.
        Files.writeString(tree.dir().resolve("killed/Dockerfile.template"), "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo next\n");
        ProcessBuilder next = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + javaTmp, Main.class.getName(), "-c", config.toString(), "--info", "build", "--no-pull", tree.dir().toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("next.txt").toFile());
        next.environment().put("DOCKER_HOST", TestEnvironment.dockerHost());
        next.environment().put("HOME", work.resolve("home").toString());
        Process second = next.start();
        assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String nextOutput = Files.readString(work.resolve("next.txt"));
        assertThat(second.exitValue()).as(nextOutput).isZero();
        assertThat(nextOutput).contains("left by a killed run");
        try (Stream<Path> left = Files.list(javaTmp)) {
            assertThat(left.map(f -> f.getFileName().toString())).as("nothing left in the temporary directory").isEmpty();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!containers(marker).isEmpty() && System.nanoTime() < deadline) Thread.sleep(500);
        assertThat(containers(marker)).as("no build container left").isEmpty();
    }

    private static List<Path> runDirectories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("imagetree-run-")).toList();
        }
    }

    private static List<String> containers(String marker) {
        String ps = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "ps", "-a", "--no-trunc",
                "--format", "{{.ID}} {{.Command}}");
        return ps.lines().filter(l -> l.contains(marker)).toList();
    }
}
