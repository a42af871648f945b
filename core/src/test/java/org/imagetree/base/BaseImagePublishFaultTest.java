package org.imagetree.base;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RetryPolicy;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A base image published through issue 22's fault proxy (every 7th request answered 503, every 8th dropped; uploads,
 * manifest PUTs and the engine's pull-back alike). A base build needs root, debuerreotype and minutes, so the image is
 * made by the builder's own writer ({@link OciImageWriter}: the same reproducible OCI image and layout {@code base
 * build} writes) from a small root filesystem; what is published from it is the code path of {@code base build
 * --publish}: {@link BaseImagePublisher#publish(Path, String, List, java.util.function.Consumer)}.
 */
class BaseImagePublishFaultTest {
    @Test
    void aBaseImageLayoutIsPublishedUnderBothTagsAndPulledBackThroughTheFaults(@TempDir Path tmp) throws Exception {
        Path rootfs = tmp.resolve("rootfs.tar");
        byte[] noise = new byte[1_500_000];
        new Random().nextBytes(noise);
        try (OutputStream out = Files.newOutputStream(rootfs); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            add(tar, "etc/os-release", ("PRETTY_NAME=\"imagetree test " + UUID.randomUUID() + "\"\n").getBytes(StandardCharsets.UTF_8));
            add(tar, "usr/share/noise", noise);
        }
        OciImageWriter.OciImage image = OciImageWriter.write(rootfs, 1_783_764_997L, "amd64", "test rootfs", tmp.resolve("layer.tar.gz"));
        Path layout = OciImageWriter.layout(image, tmp.resolve("oci"));
        try (LocalRegistry registry = LocalRegistry.start(); FaultyProxy proxy = FaultyProxy.start(registry.baseUri());
             ContainerEngine engine = TestEnvironment.engine()) {
            List<String> log = new CopyOnWriteArrayList<>();
            RegistryClient client = RegistryClient.builder().requestTimeout(Duration.ofSeconds(10)).uploadChunkSize(256 * 1024)
                    .retryPolicy(new RetryPolicy(RetryPolicy.DEFAULT.maxAttempts(), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                    .retryLog(log::add).build();
            String repository = proxy.host() + "/base-fault";
            proxy.failEvery(7, new FaultyProxy.Status(503, null)).failEvery(8, new FaultyProxy.Close())
                    .injectWhen(r -> r.startsWith("PUT /v2/base-fault/manifests/"), 1, new FaultyProxy.Close())
                    .injectWhen(r -> r.startsWith("PATCH /v2/base-fault/blobs/uploads/"), 1, new FaultyProxy.CloseAfterForward())
                    .injectWhen(r -> r.startsWith("GET /v2/base-fault/blobs/"), 1, new FaultyProxy.Close());
            String digest;
            List<String> faulted;
            try {
                digest = new BaseImagePublisher(client, engine, Optional.empty()).publish(layout, repository, List.of("20260711", "latest"), log::add);
            } finally {
                faulted = proxy.faulted();
                proxy.clearFaults();
            }
            assertThat(digest).isEqualTo(image.manifestDigest());
            RegistryClient direct = RegistryClient.builder().build();
            for (String tag : List.of("20260711", "latest")) {
                assertThat(direct.headManifest(ImageReference.parse(registry.host() + "/base-fault:" + tag)).map(ManifestDescriptor::digest))
                        .as(tag).contains(digest);
                assertThat(engine.inspect(repository + ":" + tag).orElseThrow().id()).as("pulled back").isEqualTo(image.configDigest());
            }
            assertThat(faulted).anyMatch(r -> r.contains("/blobs/uploads/")).anyMatch(r -> r.startsWith("PUT /v2/base-fault/manifests/"))
                    .anyMatch(r -> r.startsWith("GET /v2/base-fault/blobs/"));
            assertThat(log).anyMatch(l -> l.contains("retrying"));
            for (String tag : List.of("20260711", "latest")) engine.remove(repository + ":" + tag);
        }
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws java.io.IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
