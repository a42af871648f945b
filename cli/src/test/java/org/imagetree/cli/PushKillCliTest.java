package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code build} killed with SIGKILL in the middle of a blob upload (the proxy in front of the registry holds the
 * upload until the process is gone) publishes nothing half: no tag of the registry names an image whose blobs are not
 * all there. The next run completes the push, and what it finds uploaded it does not send again.
 */
class PushKillCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPushKilledMidUploadLeavesNoTagOnAnIncompleteImageAndTheNextRunCompletes(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = UUID.randomUUID().toString();
        String data = "head -c 2000000 /dev/urandom > /data-";
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("kill-a", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN " + data + "a-" + run + "\n", null)
                .image("kill-b", "1.0", "FROM {{ \"kill-a\" | image_tag }}\nRUN " + data + "b && " + data + "b2\n", "kill-a");
        try (LocalRegistry registry = LocalRegistry.start(); FaultyProxy proxy = FaultyProxy.start(registry.baseUri())) {
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + proxy.host() + "\nbase_images:\n  - "
                    + TestEnvironment.BASE_IMAGE + "\nallowed_registries:\n  - " + proxy.host() + "\n  - docker.io/imagetree-local\n");
            Path work = Files.createDirectories(tmp.resolve("work"));
            // kill-b's layer upload is held (its config may get through): the process dies in the middle of it.
            proxy.injectWhen(r -> r.startsWith("PUT /v2/kill-b/blobs/uploads/") || r.startsWith("PATCH /v2/kill-b/blobs/uploads/"), 1,
                    new FaultyProxy.Stall(Duration.ofMinutes(5)));
            Process first = start(work, config, tree.dir());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (proxy.faulted().isEmpty() && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(proxy.faulted()).as("the upload was held: " + output(work)).isNotEmpty();
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            RegistryClient client = RegistryClient.builder().build();
            assertThat(client.listTags(registry.host(), "kill-b")).as("nothing of kill-b is published").isEmpty();
            assertThat(client.listTags(registry.host(), "kill-a")).containsExactlyInAnyOrder("1.0", "latest");
            assertEveryTagNamesAWholeImage(client, registry.host());

            proxy.clearFaults();
            int before = proxy.requests().size();
            Process second = start(work, config, tree.dir());
            assertThat(second.waitFor(10, TimeUnit.MINUTES)).isTrue();
            String out = output(work);
            assertThat(second.exitValue()).as(out).isZero();
            assertThat(out).contains("kill-b").containsPattern("kill-a\\s+1\\.0\\s+unchanged").containsPattern("kill-b\\s+1\\.0\\s+published");
            assertEveryTagNamesAWholeImage(client, registry.host());
            Manifest b = client.getManifest(ImageReference.parse(registry.host() + "/kill-b:1.0")).orElseThrow();
            String localId = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "inspect",
                    "--format", "{{.Id}}", proxy.host() + "/kill-b:1.0").trim();
            assertThat(JSON.readTree(b.content()).path("config").path("digest").asText()).isEqualTo(localId);
            // The layers kill-b shares with kill-a (the base's, kill-a's) are mounted, not sent: at most kill-b's config
            // and own layer go up (one PUT each: they are smaller than a chunk), the config not when the killed run sent it.
            List<String> secondRun = proxy.requests().subList(before, proxy.requests().size());
            assertThat(count(secondRun, "PUT /v2/kill-b/blobs/uploads/")).as(String.join("\n", secondRun)).isBetween(1, 2);
            assertThat(count(secondRun, "PATCH ")).isZero();
            assertThat(count(secondRun, "PUT /v2/kill-a/")).isZero();
        }
    }

    private static int count(List<String> requests, String prefix) {
        return (int) requests.stream().filter(r -> r.startsWith(prefix)).count();
    }

    private static Process start(Path work, Path config, Path tree) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("java-tmp")),
                Main.class.getName(), "-c", config.toString(), "--info", "build", "--no-pull", tree.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("output.txt").toFile()));
        pb.environment().put("DOCKER_HOST", TestEnvironment.dockerHost());
        pb.environment().put("HOME", Files.createDirectories(work.resolve("home")).toString());
        pb.environment().remove("XDG_CACHE_HOME");
        return pb.start();
    }

    private static String output(Path work) throws Exception {
        Path f = work.resolve("output.txt");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /** Every tag of every repository names a manifest whose config and layers the registry has. */
    private static void assertEveryTagNamesAWholeImage(RegistryClient client, String host) throws Exception {
        Set<String> repositories = client.catalog(host).orElseThrow();
        for (String repository : repositories) {
            for (String tag : client.listTags(host, repository)) {
                Manifest m = client.getManifest(ImageReference.parse(host + "/" + repository + ":" + tag)).orElseThrow();
                JsonNode manifest = JSON.readTree(m.content());
                List<String> blobs = new ArrayList<>();
                blobs.add(manifest.path("config").path("digest").asText());
                manifest.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
                for (String blob : blobs) {
                    assertThat(client.blobExists(host, repository, blob)).as(repository + ":" + tag + " names " + blob).isTrue();
                }
            }
        }
    }
}
