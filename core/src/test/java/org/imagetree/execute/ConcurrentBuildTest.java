package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two builds of the same tree at the same time, against one Docker Engine and one registry (as two Jenkins jobs
 * would): both succeed, and every tag in the registry points at a complete image (manifest and every blob).
 */
class ConcurrentBuildTest {
    private static final Pattern DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

    @Test
    void twoSimultaneousBuildsOfOneTreeBothSucceedAndLeaveOnlyCompleteImages(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = Long.toString(System.nanoTime());
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("twin-a", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /a && sleep 1\n", null)
                .image("twin-b", "1.0", "FROM {{ \"twin-a\" | image_tag }}\nRUN echo b > /b\n", "twin-a")
                .image("twin-c", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /c\n", null);
        try (LocalRegistry registry = LocalRegistry.start()) {
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(TestEnvironment.BASE_IMAGE),
                "allowed_registries", List.of(registry.host(), "docker.io/imagetree-local")));
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService two = Executors.newFixedThreadPool(2);
            List<Future<BuildReport>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path work = Files.createDirectories(tmp.resolve("work-" + i));
                runs.add(two.submit(() -> {
                    try (ContainerEngine docker = TestEnvironment.engine()) {
                        ImageTreeEngine it = new ImageTreeEngine(config, docker, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
                        var loaded = it.load(tree.dir(), TagMode.RELEASE);
                        together.await(60, TimeUnit.SECONDS);
                        BuildPlan plan = it.plan(loaded, new PlanOptions(Optional.empty(), false, true));
                        return it.execute(plan, new ExecuteOptions(2, false, false, true, work), new BuildListener() {
                            @Override public void log(String image, String line) {
                                if (line.startsWith("another run published")) System.out.println(image + ": " + line);
                            }
                        });
                    }
                }));
            }
            two.shutdown();
            List<BuildReport> reports = new ArrayList<>();
            for (Future<BuildReport> f : runs) reports.add(f.get(10, TimeUnit.MINUTES));

            RegistryClient client = RegistryClient.builder().build();
            for (BuildReport r : reports) {
                assertThat(r.succeeded()).as(r.table()).isTrue();
                assertThat(r.images()).extracting(ImageResult::outcome).isSubsetOf(Outcome.PUBLISHED, Outcome.UNCHANGED);
            }
            for (String name : List.of("twin-a", "twin-b", "twin-c")) {
                for (String tag : List.of("1.0", "latest")) {
                    ImageReference ref = ImageReference.parse(registry.host() + "/" + name + ":" + tag);
                    Optional<ManifestDescriptor> head = client.headManifest(ref);
                    assertThat(head).as(ref.toString()).isPresent();
                    Optional<Manifest> manifest = client.getManifest(ref);
                    assertThat(manifest).isPresent();
                    assertThat(manifest.get().digest()).isEqualTo(head.get().digest());
                    Matcher blobs = DIGEST.matcher(manifest.get().contentAsString());
                    int count = 0;
                    while (blobs.find()) {
                        count++;
                        assertThat(client.blobExists(ref.registry(), ref.repository(), blobs.group(1))).as(ref + " blob " + blobs.group(1)).isTrue();
                    }
                    assertThat(count).as("config and layers").isGreaterThanOrEqualTo(2);
                }
                String published = client.headManifest(ImageReference.parse(registry.host() + "/" + name + ":1.0")).orElseThrow().digest();
                assertThat(reports.stream().flatMap(r -> r.images().stream()).filter(i -> i.name().equals(name)).map(ImageResult::digest))
                        .as("the registry's digest is one a run reported").contains(published);
            }
            try (Stream<Path> left = Stream.concat(Files.list(tmp.resolve("work-0")), Files.list(tmp.resolve("work-1")))) {
                assertThat(left).as("temporary contexts deleted").isEmpty();
            }
        }
    }
}
