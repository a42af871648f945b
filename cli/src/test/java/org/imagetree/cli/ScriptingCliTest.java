package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exit codes and output for scripts: plan fails when something cannot be built, build --format json keeps standard
 * output for the JSON, plan and build spell states alike, no empty headings. A real registry; no Docker engine is
 * needed (nothing is built: DOCKER_HOST points nowhere).
 */
class ScriptingCliTest {
    private static final Map<String, String> NO_ENGINE = Map.of("DOCKER_HOST", "unix:///nonexistent/imagetree-scripting.sock");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void planExitsNonZeroWhenAnImageIsBlockedAndPrintsNoEmptyWaves() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            // 'app' declares 'scripting-lib', which is neither in the tree nor in the registry.
            Path images = SmallTree.at(tmp.resolve("images"))
                    .image("app", "1.0", "FROM {{ registry }}/bookworm:latest\n", "scripting-lib").dir();
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + registry.host()
                    + "\nbase_images:\n  - " + registry.host() + "/bookworm:latest\n");
            TinyImage.docker("bookworm").pushTo(RegistryClient.builder().build(), ImageReference.parse(registry.host() + "/bookworm:latest"));

            CliRun plan = CliRun.of(NO_ENGINE, "-c", config.toString(), "plan", images.toString());
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
            assertThat(plan.out()).containsPattern("app:1\\.0 +to-build +blocked +.*scripting-lib");
            assertThat(plan.out()).contains("(nothing to build)").doesNotContain("Waves");
            assertThat(plan.err()).contains("1 image(s) cannot be built");

            CliRun json = CliRun.of(NO_ENGINE, "-c", config.toString(), "plan", "--format", "json", images.toString());
            assertThat(json.exitCode()).as(json.all()).isEqualTo(1);
            JsonNode doc = JSON.readTree(json.out());
            assertThat(doc.at("/images/0/state").asText()).isEqualTo("to-build");
            assertThat(doc.at("/images/0/action").asText()).isEqualTo("blocked");
        }
    }

    /** Registry down: every image is blocked with the cause of the failed connection, and plan exits 1. */
    @Test
    void planExitsNonZeroWhenTheRegistryIsDownAndSaysWhy() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String host = "127.0.0.1:" + port;
        Path images = SmallTree.at(tmp.resolve("images")).image("app", "1.0", "FROM {{ registry }}/bookworm:latest\n", null).dir();
        Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + host + "\nbase_images:\n  - " + host + "/bookworm:latest\n");
        CliRun plan = CliRun.of(NO_ENGINE, "-c", config.toString(), "plan", images.toString());
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
        assertThat(plan.out()).containsPattern("app:1\\.0 +\\S+ +blocked +.*connection refused: nothing listens at " + java.util.regex.Pattern.quote(host));
    }

    @Test
    void buildJsonHasOnlyJsonOnStandardOutputAndStatesAreSpeltAsPlan() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path images = SmallTree.at(tmp.resolve("images"))
                    .image("app", "1.0", "FROM {{ registry }}/bookworm:latest\n", null)
                    .image("tool", "2.0", "FROM {{ registry }}/bookworm:latest\n", null).dir();
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + registry.host()
                    + "\nbase_images:\n  - " + registry.host() + "/bookworm:latest\n");
            RegistryClient client = RegistryClient.builder().build();
            TinyImage.docker("bookworm").pushTo(client, ImageReference.parse(registry.host() + "/bookworm:latest"));
            TinyImage.docker("app").pushTo(client, ImageReference.parse(registry.host() + "/app:1.0"));
            TinyImage.docker("tool").pushTo(client, ImageReference.parse(registry.host() + "/tool:2.0"));
            // every tag a build publishes counts (issue #13): latest too, or the build would set it
            TinyImage.docker("app").pushTo(client, ImageReference.parse(registry.host() + "/app:latest"));
            TinyImage.docker("tool").pushTo(client, ImageReference.parse(registry.host() + "/tool:latest"));

            CliRun build = CliRun.of(NO_ENGINE, "-c", config.toString(), "build", "--format", "json", "--select", "*app:*",
                    images.toString());
            assertThat(build.exitCode()).as(build.all()).isZero();
            JsonNode doc = JSON.readTree(build.out()); // fails on any progress line
            assertThat(doc.get("succeeded").asBoolean()).isTrue();
            assertThat(build.err()).contains("== Step 0").contains("Nothing to build.");
            List<String> states = new ArrayList<>();
            doc.get("images").forEach(i -> states.add(i.get("name").asText() + " " + i.get("state").asText()));
            assertThat(states).containsExactlyInAnyOrder("app unchanged", "tool unchanged");

            CliRun plan = CliRun.of(NO_ENGINE, "-c", config.toString(), "plan", "--format", "json", images.toString());
            assertThat(plan.exitCode()).as(plan.all()).isZero();
            JSON.readTree(plan.out()).get("images").forEach(i -> assertThat(i.get("state").asText()).isEqualTo("published"));
            CliRun text = CliRun.of(NO_ENGINE, "-c", config.toString(), "plan", images.toString());
            assertThat(text.out()).contains("(nothing to build)").doesNotContain("Waves");
        }
    }

    /** cli.md: with --format json standard output is the JSON only, and warnings go to standard error (issue 26, item 6). */
    @Test
    void warningsGoToStandardErrorInEveryFormat() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            // 'kid' uses 'app' in its template without declaring it: a warning in every command that renders kid.
            Path images = SmallTree.at(tmp.resolve("images"))
                    .image("app", "1.0", "FROM {{ registry }}/bookworm:latest\n", null)
                    .image("kid", "1.0", "FROM {{ \"app\" | image_tag }}\n", null).dir();
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + registry.host()
                    + "\nbase_images:\n  - " + registry.host() + "/bookworm:latest\n");
            RegistryClient client = RegistryClient.builder().build();
            TinyImage.docker("bookworm").pushTo(client, ImageReference.parse(registry.host() + "/bookworm:latest"));
            String warning = "warning: " + images.resolve("kid") + ": uses in-tree image 'app' that control does not declare";
            for (String command : new String[] {"plan", "render", "build"}) {
                for (String format : new String[] {"text", "json"}) {
                    CliRun r = CliRun.of(NO_ENGINE, "-c", config.toString(), command, "--format", format, images.toString());
                    assertThat(r.err()).as(command + " --format " + format + ": " + r.all()).contains(warning);
                    assertThat(r.out()).as(command + " --format " + format).doesNotContain("warning: ");
                    if (format.equals("json")) JSON.readTree(r.out()); // the JSON document only
                }
            }
        }
    }
}
