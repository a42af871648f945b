package org.imagetree.blubber;

import org.imagetree.execute.DockerCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service pipeline against the real engine and the local registry at 127.0.0.1:5000. */
@Tag("docker")
class ServicePipelineTest {
    private static final String REGISTRY = "127.0.0.1:5000";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-11T09:08:07Z"), ZoneId.of("Europe/Berlin"));
    private final DockerCli docker = DockerCli.locateWithBuildKit(System.getenv());

    private Path project(Path dir, String testExit) throws Exception {
        Path repo = Path.of(System.getProperty("imagetree.repo", ".")).toAbsolutePath();
        new org.imagetree.blubber.acceptance.BaseImagesAccess(docker, repo).ensure("debian:bookworm");
        Files.writeString(dir.resolve("blubber.yaml"), """
                version: v4
                base: debian:bookworm
                variants:
                  test:
                    copies: [local]
                    entrypoint: [./check.sh]
                  production:
                    copies: [local]
                    entrypoint: [./serve.sh]
                """);
        Files.writeString(dir.resolve("check.sh"), "#!/bin/sh\necho checking\nexit " + testExit + "\n");
        Files.writeString(dir.resolve("serve.sh"), "#!/bin/sh\necho serving\n");
        dir.resolve("check.sh").toFile().setExecutable(true, false);
        dir.resolve("serve.sh").toFile().setExecutable(true, false);
        return dir.resolve("blubber.yaml");
    }

    @Test
    void testsBuildsTagsLabelsAndPublishes(@TempDir Path dir) throws Exception {
        String project = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> log = new ArrayList<>();
        ServicePipeline.Result result = new ServicePipeline(docker, CLOCK, log::add).run(new ServicePipeline.Options(
                project(dir, "0"), dir, null, null, REGISTRY, "blubber-test", project, List.of("v1.2.3", "abc1234"),
                Map.of(), "https://git.example.org/svc", "abc1234def", null, true, null));
        assertThat(result.testOutput()).contains("checking");
        assertThat(result.references()).extracting(ServicePipeline.Published::reference).containsExactly(
                REGISTRY + "/blubber-test/" + project + ":2026-03-11-090807-production",
                REGISTRY + "/blubber-test/" + project + ":v1.2.3",
                REGISTRY + "/blubber-test/" + project + ":abc1234");
        String digest = result.references().get(0).digest();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(result.references()).allMatch(p -> p.digest().equals(digest));
        HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + REGISTRY + "/v2/blubber-test/" + project + "/manifests/v1.2.3"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        String labels = docker.inspect(result.references().get(0).reference(), "{{json .Config.Labels}}");
        assertThat(labels).contains("\"org.opencontainers.image.revision\":\"abc1234def\"",
                "\"org.opencontainers.image.source\":\"https://git.example.org/svc\"",
                "\"org.opencontainers.image.created\":\"2026-03-11T09:08:07Z\"", "\"blubber.variant\":\"production\"");
        result.references().forEach(p -> docker.removeImage(p.reference()));
    }

    @Test
    void aFailingTestVariantStopsThePipeline(@TempDir Path dir) throws Exception {
        String project = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        ServicePipeline pipeline = new ServicePipeline(docker, CLOCK, line -> { });
        assertThatThrownBy(() -> pipeline.run(new ServicePipeline.Options(project(dir, "3"), dir, null, null, REGISTRY,
                "blubber-test", project, List.of(), Map.of(), "", "", null, true, null)))
                .isInstanceOfSatisfying(ServicePipeline.TestFailure.class, e -> assertThat(e.exitCode()).isEqualTo(3));
        assertThat(docker.imageExists(REGISTRY + "/blubber-test/" + project + ":2026-03-11-090807-production")).isFalse();
    }
}
