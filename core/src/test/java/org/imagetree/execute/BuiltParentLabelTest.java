package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.BaseImageOf;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.CountingEngine;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image whose parent was built (not published) in the same run records the parent's local image id in its
 * base-image labels, with either builder. With BuildKit the id comes from the parent's build (its
 * {@code --iidfile}): no Engine API request stands between a parent's build and its child's.
 */
@Tag("docker")
class BuiltParentLabelTest {
    @Test
    void buildKitChildRecordsTheParentIdItsBuildReturnedWithoutAskingTheEngine(@TempDir Path tmp) throws Exception {
        try (CountingEngine counted = new CountingEngine(TestEnvironment.engine())) {
            ContainerEngine buildKit = new BuildKitEngine(DockerCli.locateWithBuildKit(System.getenv()), counted);
            check(tmp, buildKit, counted, "bk");
        }
    }

    @Test
    void classicChildRecordsTheParentId(@TempDir Path tmp) throws Exception {
        try (CountingEngine counted = new CountingEngine(TestEnvironment.engine())) {
            check(tmp, counted, counted, "classic");
        }
    }

    private static void check(Path tmp, ContainerEngine engine, CountingEngine counted, String kind) throws Exception {
        TestEnvironment.baseImage();
        String run = kind + "-" + System.nanoTime();
        String parent = "lbl-parent-" + run;
        String child = "lbl-child-" + run;
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image(parent, "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /p\n", null)
                .image(child, "1.0", "FROM {{ \"" + parent + "\" | image_tag }}\nRUN echo c > /c\n", parent);
        try (LocalRegistry registry = LocalRegistry.start()) {
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(TestEnvironment.BASE_IMAGE),
                    "allowed_registries", List.of(registry.host(), "docker.io/imagetree-local")));
            String parentLabel = registry.host() + "/" + parent + ":1.0";
            String childLabel = registry.host() + "/" + child + ":1.0";
            try {
                ImageTreeEngine it = new ImageTreeEngine(config, engine, RegistryClient.builder(config).build(), Map.of(), Clock.systemUTC());
                BuildPlan plan = it.plan(it.load(tree.dir(), TagMode.RELEASE), new PlanOptions(Optional.empty(), false, false));
                int before = counted.calls().size();
                BuildReport report = it.execute(plan, new ExecuteOptions(2, false, false, false, tmp), new BuildListener() { });
                List<String> during = counted.calls().subList(before, counted.calls().size());

                assertThat(report.images()).extracting(ImageResult::outcome).containsOnly(Outcome.BUILT);
                String parentId = engine.inspect(parentLabel).orElseThrow().id();
                assertThat(parentId).matches("sha256:[0-9a-f]{64}");
                Map<String, String> labels = engine.inspect(childLabel).orElseThrow().labels();
                assertThat(labels).containsEntry(BaseImageOf.NAME_LABEL, parentLabel).containsEntry(BaseImageOf.DIGEST_LABEL, parentId);
                if (engine instanceof BuildKitEngine) {
                    assertThat(during).as("engine requests during the build").noneMatch(c -> c.equals("inspect " + parentLabel));
                }
            } finally {
                engine.remove(childLabel);
                engine.remove(parentLabel);
            }
        }
    }
}
