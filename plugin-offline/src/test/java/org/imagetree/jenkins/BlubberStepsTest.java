package org.imagetree.jenkins;

import hudson.AbortException;
import org.imagetree.blubber.acceptance.BaseImagesAccess;
import org.imagetree.execute.DockerCli;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code blubberBuild} as a Jenkinsfile runs it (servicePipeline: ServicePipelineStepTest), through a test StepContext, against
 * the real engine, Docker Engine and a local registry, with a tiny service on debian:bookworm.
 */
class BlubberStepsTest {
    @TempDir static Path workspace;
    static LocalRegistry registry;
    static RegistryClient client;
    static Map<String, String> env;
    static final DockerCli DOCKER = DockerCli.locateWithBuildKit(System.getenv());

    @BeforeAll
    static void setUp() throws IOException {
        new BaseImagesAccess(DOCKER, TestEnvironment.repo()).ensure("debian:bookworm");
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        Path svc = workspace.resolve("svc/.pipeline");
        Files.createDirectories(svc);
        Files.writeString(svc.resolve("blubber.yaml"), """
                version: v4
                base: debian:bookworm
                lives: {in: /srv/app}
                variants:
                  test:
                    copies: [{from: local, source: ./check.sh, destination: ./check.sh}]
                    entrypoint: [sh, check.sh]
                  production:
                    copies: [{from: local, source: ./serve.sh, destination: ./serve.sh}]
                    entrypoint: [sh, serve.sh]
                """);
        Files.writeString(workspace.resolve("svc/check.sh"), "echo service-checks-pass\n");
        Files.writeString(workspace.resolve("svc/serve.sh"), "echo serving\n");
        // The registry policy: our registry, plus Docker Hub for the Debian base.
        Files.writeString(workspace.resolve("imagetree.yaml"), "namespace: services\nallowed_registries: [" + registry.host() + ", docker.io]\n");
        env = new HashMap<>(System.getenv());
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    private static Optional<ManifestDescriptor> inRegistry(String reference) {
        return client.headManifest(ImageReference.parse(reference));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> references(Object result) {
        return (List<Map<String, Object>>) ((Map<String, Object>) result).get("references");
    }

    @Test
    void blubberBuildBuildsAndPublishesEveryTag() throws Throwable {
        String repo = registry.host() + "/services/build-" + UUID.randomUUID().toString().substring(0, 8);
        BlubberBuildStep step = new BlubberBuildStep("production");
        step.setConfig("svc/.pipeline/blubber.yaml");
        step.setContext("svc");
        step.setTags(List.of(repo + ":1.0", repo + ":latest"));
        step.setPublish(true);
        step.setEngineConfig("imagetree.yaml");
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        TestStepContext ctx = new TestStepContext(workspace, env);
        Object result = ctx.run(step, Duration.ofMinutes(10));

        @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) result;
        assertThat(map).containsEntry("variant", "production").containsEntry("buildKit", false);
        List<Map<String, Object>> refs = references(result);
        assertThat(refs).extracting(r -> r.get("reference")).containsExactly(repo + ":1.0", repo + ":latest");
        for (Map<String, Object> r : refs) {
            assertThat(inRegistry((String) r.get("reference"))).as(r.toString()).hasValueSatisfying(m ->
                    assertThat(m.digest()).isEqualTo(r.get("digest")));
        }
        assertThat(ctx.log()).contains("[blubber] published " + repo + ":1.0@");
        refs.forEach(r -> DOCKER.removeImage((String) r.get("reference")));
    }

    @Test
    void aBaseOutsideTheAllowedRegistriesFailsBeforeBuildingNamingFileAndLine() throws Throwable {
        BlubberBuildStep step = new BlubberBuildStep("production");
        step.setConfig("svc/.pipeline/blubber.yaml");
        step.setContext("svc");
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        TestStepContext ctx = new TestStepContext(workspace, env);
        assertThatThrownBy(() -> ctx.run(step, Duration.ofMinutes(2))).isInstanceOf(AbortException.class)
                .hasMessageContaining(workspace.resolve("svc/.pipeline/blubber.yaml") + ":2: image 'debian:bookworm'");
        assertThat(ctx.log()).doesNotContain("[blubber] building");
    }
}
