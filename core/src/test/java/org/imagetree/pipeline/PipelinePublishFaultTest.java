package org.imagetree.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.model.ImageReference;
import org.imagetree.pipeline.execute.PipelineBackend;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service pipeline's build and publish steps ({@link ServicePipelines#dockerBackend}, the backend {@code pipeline run}
 * and the Jenkins step use) through issue 22's fault proxy, with the real Docker Engine and a real registry: every 7th
 * request answered 503 and every 8th connection dropped, whoever sends it. {@code imagePullPolicy: always} pulls the
 * base before the build, each pull retried (a pull inside the build would die on the first dropped connection); the
 * image is pushed request by request and the registry serves the local image.
 */
class PipelinePublishFaultTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStageBuildsOnABasePulledThroughTheFaultsAndPublishesTheLocalImage(@TempDir Path repo) throws Exception {
        TestEnvironment.baseImage();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String localName = "localhost/plib-image-fault-" + run;
        try (LocalRegistry registry = LocalRegistry.start(); FaultyProxy proxy = FaultyProxy.start(registry.baseUri());
             DockerJavaEngine engine = new DockerJavaEngine(TestEnvironment.dockerHost())) {
            TestEnvironment.publishBaseImage(registry.host());
            String base = proxy.host() + "/bookworm:latest";
            TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "rm", "-f", base);
            byte[] data = new byte[700_000];
            new Random().nextBytes(data);
            Files.write(repo.resolve("data.bin"), data);
            Path blubber = Files.createDirectories(repo.resolve(".pipeline")).resolve("blubber.yaml");
            Files.writeString(blubber, "version: v4\nbase: " + base + "\nvariants:\n  app:\n"
                    + "    copies: [{from: local, source: data.bin, destination: /srv/data.bin}]\n");
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", proxy.host(), "namespace", "svc"));
            PipelineBackend backend = ServicePipelines.dockerBackend(Optional.of(config), DockerCli.locateWithBuildKit(System.getenv()), engine);
            String reference = proxy.host() + "/svc/fault-" + run + ":2026-01-01-000000-app";
            List<String> log = new CopyOnWriteArrayList<>();
            proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close())
                    .injectWhen(q -> q.startsWith("GET /v2/bookworm/blobs/"), 1, new FaultyProxy.Close())
                    .injectWhen(q -> q.startsWith("PUT /v2/svc/fault-" + run + "/manifests/"), 1, new FaultyProxy.Close());
            String digest;
            PipelineBackend.Built built;
            List<String> faulted;
            try {
                built = backend.build(new PipelineBackend.BuildSpec(blubber, ".pipeline/blubber.yaml", "app", repo, null, true, Map.of(),
                        localName, repo, Set.of()), log::add);
                digest = backend.publish(built.id(), built.buildKit(), reference, log::add);
            } finally {
                faulted = proxy.faulted();
                proxy.clearFaults();
            }
            String context = String.join("\n", log) + "\nfaulted: " + faulted;
            try {
                Manifest served = RegistryClient.builder().build()
                        .getManifest(ImageReference.parse(registry.host() + reference.substring(proxy.host().length()))).orElseThrow();
                assertThat(served.digest()).as(context).isEqualTo(digest);
                assertThat(JSON.readTree(served.content()).path("config").path("digest").asText()).as("the local image")
                        .isEqualTo(engine.inspect(localName).orElseThrow().id());
                assertThat(log).as(context).anyMatch(l -> l.equals("pulling " + base));
                assertThat(log.indexOf("pulling " + base)).as("pulled before the build").isZero();
                assertThat(faulted).as("the base pull was hit").anyMatch(q -> q.contains("/v2/bookworm/"));
                assertThat(faulted).as("uploads were hit").anyMatch(q -> q.contains("/blobs/uploads/"));
                assertThat(faulted).as("manifest PUTs were hit").anyMatch(q -> q.startsWith("PUT ") && q.contains("/manifests/"));
                assertThat(log).as("retries are told").anyMatch(l -> l.contains("retrying"));
            } finally {
                engine.remove(reference);
                engine.remove(localName);
            }
        }
    }
}
