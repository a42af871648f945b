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
 * {@code build} renders only the templates of images it may build: a broken template (an undefined variable) in a
 * published image does not stop a no-op build, while {@code plan} and {@code lint} still report it. No Docker engine
 * is needed: nothing is built (DOCKER_HOST points nowhere).
 */
class LazyBuildCliTest {
    @TempDir Path tmp;

    @Test
    void aNoOpBuildDoesNotRenderAPublishedTemplateThatPlanAndLintReport() throws IOException {
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path images = SmallTree.at(tmp.resolve("images"))
                    .image("app", "1.0", "FROM {{ \"bookworm\" | image_tag }}\nRUN echo {{ no_such_variable }}\n", null)
                    .dir();
            Path config = Files.writeString(tmp.resolve("config.yaml"), "registry: " + registry.host()
                    + "\nbase_images:\n  - " + registry.host() + "/bookworm:latest\n");
            TinyImage.docker("app").publishTo(RegistryClient.builder().build(), ImageReference.parse(registry.host() + "/app:1.0"));
            Map<String, String> env = Map.of("DOCKER_HOST", "unix:///nonexistent/imagetree-lazy-build.sock");

            CliRun build = CliRun.of(env, "-c", config.toString(), "build", images.toString());
            assertThat(build.exitCode()).as(build.all()).isZero();
            assertThat(build.out()).contains("Nothing to build.");

            CliRun plan = CliRun.of(env, "-c", config.toString(), "plan", images.toString());
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
            assertThat(plan.err()).contains("no_such_variable");

            CliRun lint = CliRun.of(env, "-c", config.toString(), "lint", images.toString());
            assertThat(lint.exitCode()).as(lint.all()).isNotZero();
            assertThat(lint.all()).contains("no_such_variable");
        }
    }
}
