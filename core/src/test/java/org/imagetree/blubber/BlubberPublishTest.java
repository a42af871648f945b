package org.imagetree.blubber;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.EngineException;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.FaultyProxy;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code blubber build --publish}'s tags checked against the registry the way tree tags are ({@link VariantEngine#publish}):
 * every tag ends serving the pushed digest, a tag whose PUT the registry did not keep is set again, a tag another run
 * published while this one built is never overwritten, and a tag that was there before the build is replaced.
 */
class BlubberPublishTest {
    static LocalRegistry registry;
    static FaultyProxy proxy;
    static ContainerEngine engine;
    static final RegistryClient direct = RegistryClient.builder().build();
    static String image;

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.baseImage();
        registry = LocalRegistry.start();
        proxy = FaultyProxy.start(registry.baseUri());
        engine = TestEnvironment.engine();
        Path dir = Files.createTempDirectory("imagetree-blubber-publish-");
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + UUID.randomUUID() + " > /id\n");
        image = engine.build(new ContainerEngine.BuildRequest(dir, List.of("imagetree-blubber-publish:" + UUID.randomUUID()), Map.of(),
                Map.of(), false, ContainerEngine.ResourceLimits.NONE), line -> { });
    }

    @AfterAll
    static void stop() throws EngineException {
        if (engine != null) {
            if (image != null) engine.remove(image);
            engine.close();
        }
        if (proxy != null) proxy.close();
        if (registry != null) registry.close();
    }

    private static VariantEngine variants() {
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", proxy.host()));
        return VariantEngine.forConfig(Optional.of(config), DockerCli.locateWithBuildKit(System.getenv()), engine);
    }

    private static Optional<String> served(String tag) {
        return direct.headManifest(ImageReference.parse(registry.host() + tag.substring(proxy.host().length())))
                .map(ManifestDescriptor::digest);
    }

    @Test
    void everyTagServesThePushedImageAndATagTheRegistryLostIsSetAgain() throws Exception {
        String repo = proxy.host() + "/svc-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tags = List.of(repo + ":2026-01-01-000000-production", repo + ":latest", repo + "-mirror:abc123");
        VariantEngine variants = variants();
        Map<String, Optional<String>> before = variants.servedNow(tags);
        // The registry answers 201 to latest's PUT but keeps nothing (a cache in front of it, a lost write).
        proxy.clearFaults().injectWhen(r -> r.equals("PUT /v2/" + repo.substring(proxy.host().length() + 1) + "/manifests/latest"), 1,
                new FaultyProxy.Status(201, null));
        List<String> log = new CopyOnWriteArrayList<>();
        List<ServicePipeline.Published> published;
        try {
            published = variants.publish(image, false, tags, before, log::add);
        } finally {
            proxy.clearFaults();
        }
        String digest = published.get(0).digest();
        assertThat(published).extracting(ServicePipeline.Published::digest).containsOnly(digest);
        for (String tag : tags) assertThat(served(tag)).as(tag).contains(digest);
        assertThat(log).anyMatch(l -> l.contains(repo + ":latest does not serve " + digest) && l.contains("setting it again"));
        assertThat(log).as("the second repository mounts what the first has").anyMatch(l -> l.startsWith("mounted "));
    }

    @Test
    void aTagAnotherRunPublishedMeanwhileIsNeverOverwrittenOneThatWasThereBeforeIsReplaced() throws Exception {
        String repo = proxy.host() + "/race-" + UUID.randomUUID().toString().substring(0, 8);
        String old = repo + ":latest";
        String theirs = repo + ":abc123";
        TinyImage before = TinyImage.docker("before-" + UUID.randomUUID());
        before.pushTo(direct, ImageReference.parse(registry.host() + old.substring(proxy.host().length())));
        VariantEngine variants = variants();
        List<String> tags = List.of(repo + ":1", theirs, old);
        Map<String, Optional<String>> snapshot = variants.servedNow(tags);
        // While this run builds, another publishes the commit tag.
        TinyImage other = TinyImage.docker("other-" + UUID.randomUUID());
        String otherDigest = other.pushTo(direct, ImageReference.parse(registry.host() + theirs.substring(proxy.host().length())));
        List<String> log = new CopyOnWriteArrayList<>();

        List<ServicePipeline.Published> published = variants.publish(image, false, tags, snapshot, log::add);

        String ours = published.get(0).digest();
        assertThat(served(repo + ":1")).contains(ours);
        assertThat(served(theirs)).as("never overwritten").contains(otherDigest);
        assertThat(published.get(1).digest()).isEqualTo(otherDigest);
        assertThat(served(old)).as("replaced").contains(ours);
        assertThat(log).anyMatch(l -> l.contains("another run published " + theirs + " as " + otherDigest));
    }
}
