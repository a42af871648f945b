package org.imagetree.cli;

import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against a registry that serves only HTTPS (a real Distribution with a self-signed certificate on
 * loopback): {@code certs_dir} in the config names Docker's {@code certs.d} layout holding its CA, and a no-op build
 * and a plan then talk TLS to it; without it the registry is asked over plain HTTP and the failure names the image.
 */
class TlsRegistryCliTest {
    @TempDir Path tmp;

    @Test
    void buildAndPlanReachARegistryThatServesOnlyHttpsThroughCertsDir() throws IOException {
        try (LocalRegistry registry = LocalRegistry.startTls()) {
            Path certs = tmp.resolve("certs.d");
            registry.trustIn(certs);
            Path images = SmallTree.at(tmp.resolve("images"))
                    .image("app", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n", null)
                    .image("tool", "2.0", "FROM {{ \"app\" | image_tag }}\n", "app")
                    .dir();
            String common = "registry: " + registry.host() + "\nbase_images:\n  - " + registry.host() + "/bookworm:latest\n";
            Path config = Files.writeString(tmp.resolve("config.yaml"), common + "certs_dir: " + certs + "\n");
            RegistryClient pusher = RegistryClient.builder().certsDirectory(certs).build();
            TinyImage.docker("app").publishTo(pusher, ImageReference.parse(registry.host() + "/app:1.0"));
            TinyImage.docker("tool").publishTo(pusher, ImageReference.parse(registry.host() + "/tool:2.0"));
            Map<String, String> env = Map.of("DOCKER_HOST", "unix:///nonexistent/imagetree-tls.sock");

            CliRun build = CliRun.of(env, "-c", config.toString(), "build", images.toString());
            assertThat(build.exitCode()).as(build.all()).isZero();
            assertThat(build.out()).contains("Nothing to build.");

            CliRun plan = CliRun.of(env, "-c", config.toString(), "plan", images.toString());
            assertThat(plan.exitCode()).as(plan.all()).isZero();
            assertThat(plan.out()).contains("app").contains("tool").doesNotContain("BUILD");

            Path plain = Files.writeString(tmp.resolve("plain.yaml"), common + "certs_dir: " + tmp.resolve("none") + "\n");
            CliRun refused = CliRun.of(env, "-c", plain.toString(), "plan", images.toString());
            assertThat(refused.all()).contains("HTTP 400");
        }
    }
}
