package org.imagetree.execute;

import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A template that does not render, in a build: that image fails (the reason names the template and line), the images
 * that build on it are skipped, independent images are built (with the real engine). {@code plan} still refuses it.
 */
class RenderFailureTest {

    @Test
    void aTemplateThatDoesNotRenderFailsItsImageAndSkipsItsChildrenWhileTheRestIsBuilt(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String run = Long.toString(System.nanoTime());
        // A version of its own: the engine must not hold the image from an earlier run (a local image counts as built).
        SmallTree tree = SmallTree.at(tmp.resolve("images"))
                .image("render-ok", "1." + run, "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo " + run + " > /ok\n", null)
                .image("render-broken", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo {{ no_such_variable }}\n", null)
                .image("render-child", "1.0", "FROM {{ \"render-broken\" | image_tag }}\nRUN true\n", "render-broken");
        EngineConfig config = ConfigLoader.fromMap(Map.of("base_images", List.of(TestEnvironment.BASE_IMAGE)));
        try (ContainerEngine docker = TestEnvironment.engine()) {
            ImageTreeEngine it = new ImageTreeEngine(config, docker, null, Map.of(), Clock.systemUTC());
            PlanOptions options = new PlanOptions(Optional.empty(), false, false);
            BuildPlan plan = it.loadAndPlanBuild(tree.dir(), TagMode.RELEASE, options, t -> { });
            assertThat(plan.get("render-broken").action()).isEqualTo(Action.BLOCKED);
            assertThat(plan.get("render-child").action()).isEqualTo(Action.BLOCKED);
            assertThat(plan.work()).extracting(p -> p.name()).containsExactly("render-ok");

            BuildReport report = it.execute(plan, new ExecuteOptions(2, false, false, false, tmp.resolve("work")), BuildListener.NONE);
            assertThat(report.succeeded()).isFalse();
            assertThat(result(report, "render-ok").outcome()).as(report.table()).isEqualTo(Outcome.BUILT);
            ImageResult broken = result(report, "render-broken");
            assertThat(broken.outcome()).as(report.table()).isEqualTo(Outcome.FAILED);
            assertThat(broken.reason()).contains("render-broken/Dockerfile.template:2").contains("no_such_variable");
            ImageResult child = result(report, "render-child");
            assertThat(child.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(child.reason()).contains("render-broken");

            assertThatThrownBy(() -> it.loadAndPlan(tree.dir(), TagMode.RELEASE, options, t -> { }))
                    .as("plan still refuses the tree").isInstanceOf(InputError.class).hasMessageContaining("no_such_variable");
        }
    }

    private static ImageResult result(BuildReport r, String name) {
        return r.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }
}
