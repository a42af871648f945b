package org.imagetree.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code imagetree blubber build --publish} through a proxy in front of the registry that answers 503 to every 7th
 * request and drops the connection of every 8th, whoever sends it (the engine pulling the base, our existence checks,
 * uploads, manifest PUTs): the base is pulled with retries before the build starts, the image is pushed request by
 * request, exit 0, and every tag serves the local image.
 */
class BlubberPublishFaultCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static LocalRegistry registry;
    static FaultyProxy proxy;

    @BeforeAll
    static void start() {
        TestEnvironment.baseImage();
        registry = LocalRegistry.start();
        proxy = FaultyProxy.start(registry.baseUri());
        TestEnvironment.publishBaseImage(registry.host());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (registry != null) registry.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--classic", "--buildkit"})
    void aVariantIsBuiltOnABasePulledThroughTheFaultsAndPublishedUnderEveryTag(String flavour, @TempDir Path dir) throws Exception {
        String base = proxy.host() + "/bookworm:latest";
        TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "rm", "-f", base);
        byte[] data = new byte[700_000];
        new Random().nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        Path file = Files.writeString(dir.resolve("blubber.yaml"), "version: v4\nbase: " + base + "\nvariants:\n  app:\n"
                + "    copies: [{from: local, source: data.bin, destination: /srv/data.bin}]\n");
        Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + proxy.host() + "\n");
        String repo = proxy.host() + "/svc-" + flavour.substring(2) + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tags = List.of(repo + ":2026-01-01-000000-app", repo + ":latest", repo + "-mirror:abc123");
        // Besides the counted faults, for certain: the base's layer download dropped once (what killed the pull inside the
        // build before), a manifest PUT dropped once.
        proxy.clearFaults().failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close())
                .injectWhen(q -> q.startsWith("GET /v2/bookworm/blobs/"), 1, new FaultyProxy.Close())
                .injectWhen(q -> q.startsWith("PUT /v2/svc-") && q.contains("/manifests/"), 1, new FaultyProxy.Close());
        CliRun r;
        List<String> faulted;
        try {
            r = CliRun.of("-c", config.toString(), "--info", "blubber", "build", flavour, file.toString(), "app",
                    "--tag", tags.get(0), "--tag", tags.get(1), "--tag", tags.get(2), "--publish");
        } finally {
            faulted = proxy.faulted();
            proxy.clearFaults();
        }
        String context = r.all() + "\nfaulted: " + faulted;
        assertThat(r.exitCode()).as(context).isZero();
        String localId = TestEnvironment.run(Map.of(), "/usr/bin/docker", "-H", TestEnvironment.dockerHost(), "image", "inspect",
                "--format", "{{.Id}}", tags.get(0)).trim();
        RegistryClient direct = RegistryClient.builder().build();
        String digest = null;
        for (String tag : tags) {
            Matcher m = Pattern.compile(Pattern.quote(tag) + "@(sha256:[0-9a-f]{64})").matcher(r.out());
            assertThat(m.find()).as(tag + " printed with its digest\n" + context).isTrue();
            digest = digest == null ? m.group(1) : digest;
            assertThat(m.group(1)).isEqualTo(digest);
            Manifest served = direct.getManifest(ImageReference.parse(registry.host() + tag.substring(proxy.host().length()))).orElseThrow();
            assertThat(served.digest()).as(tag).isEqualTo(digest);
            assertThat(JSON.readTree(served.content()).path("config").path("digest").asText()).as("the local image").isEqualTo(localId);
        }
        assertThat(r.out()).as("the base was pulled before the build").contains("pulling " + base);
        assertThat(faulted).as("the base pull was hit").anyMatch(q -> q.contains("/v2/bookworm/"));
        assertThat(faulted).as("uploads were hit").anyMatch(q -> q.contains("/blobs/uploads/"));
        assertThat(faulted).as("manifest PUTs were hit").anyMatch(q -> q.startsWith("PUT ") && q.contains("/manifests/"));
        assertThat(r.out()).as("retries are told").contains("retrying");
    }
}
