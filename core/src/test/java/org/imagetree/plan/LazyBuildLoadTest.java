package org.imagetree.plan;

import org.imagetree.ImageTreeEngine;
import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.lint.TreeLinter;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.RegistryPolicyException;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.ImageDefinitions;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ImageTreeEngine#loadAndPlanBuild}: a build renders only the templates of images it may work on, against a
 * real registry. A template that cannot render (an undefined variable) proves a template was not rendered.
 */
class LazyBuildLoadTest {
    static LocalRegistry registry;
    static RegistryClient client;
    @TempDir Path dir;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
    }

    @AfterAll
    static void stop() { registry.close(); }

    private void image(String name, String version, String template, String... depends) throws IOException {
        ImageDefinitions.write(dir, name, version, template, depends);
    }

    private void publish(String name, String tag) {
        TinyImage.docker(name).publishTo(client, ImageReference.parse(registry.host() + "/" + name + ":" + tag));
    }

    private EngineConfig config() {
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "base_images", List.of(registry.host() + "/bookworm:latest")));
    }

    private ImageTreeEngine engine(EngineConfig config) {
        return new ImageTreeEngine(config, null, client, Map.of(), Clock.systemUTC());
    }

    private BuildPlan build(EngineConfig config, Optional<String> select) {
        return engine(config).loadAndPlanBuild(dir, ImageTreeEngine.TagMode.RELEASE,
                new PlanOptions(select, true, true, false, false), loaded -> { });
    }

    @Test
    void aNoOpBuildRendersNoTemplateWhilePlanAndLintStillReportABrokenOne() throws IOException {
        image("a", "1.0", "FROM {{ \"bookworm\" | image_tag }}\nRUN echo {{ no_such_variable }}\n");
        image("b", "2.0", "FROM {{ \"a\" | image_tag }}\n", "a");
        publish("a", "1.0");
        publish("b", "2.0");
        EngineConfig config = config();

        BuildPlan plan = build(config, Optional.empty());
        assertThat(plan.work()).isEmpty();
        for (String n : List.of("a", "b")) {
            assertThat(plan.get(n).state()).as(n).isEqualTo(ImageState.PUBLISHED);
            assertThat(plan.get(n).image().rendered()).as(n).isFalse();
        }
        assertThat(plan.get("b").image().parents()).containsExactly("a"); // from control
        assertThatThrownBy(() -> plan.get("a").image().dockerfile()).isInstanceOf(IllegalStateException.class);

        assertThatThrownBy(() -> engine(config).loadAndPlan(dir, ImageTreeEngine.TagMode.RELEASE, PlanOptions.defaults(), l -> { }))
                .isInstanceOf(InputError.class).hasMessageContaining("no_such_variable");
        assertThat(new TreeLinter(config, Map.of()).lint(dir, Optional.empty()))
                .anyMatch(p -> p.toString().contains("no_such_variable"));
        // The stale checks need every rendering: they load the whole tree.
        assertThatThrownBy(() -> engine(config).loadAndPlanBuild(dir, ImageTreeEngine.TagMode.RELEASE,
                new PlanOptions(Optional.empty(), true, true, true, false), l -> { }))
                .isInstanceOf(InputError.class).hasMessageContaining("no_such_variable");
    }

    @Test
    void anUndeclaredInTreeParentOfAnImageToBuildIsRenderedAndBuiltFirst() throws IOException {
        image("base", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("app", "1.0", "FROM {{ \"base\" | image_tag }}\n"); // no control: the parent is in the template only
        image("other", "1.0", "FROM {{ \"bookworm\" | image_tag }}\nRUN {{ broken }}\n");
        publish("other", "1.0");

        BuildPlan plan = build(config(), Optional.of("*/app:*"));
        assertThat(plan.get("app").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("app").image().parents()).containsExactly("base");
        assertThat(plan.get("base").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("base").reason()).isEqualTo("needed by app");
        assertThat(plan.get("base").image().rendered()).isTrue();
        assertThat(plan.get("base").image().dockerfile()).isEqualTo("FROM " + registry.host() + "/bookworm:latest");
        assertThat(plan.waves()).containsExactly(List.of("base"), List.of("app"));
        assertThat(plan.get("other").image().rendered()).isFalse();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("uses in-tree image 'base' that control does not declare"));
    }

    @Test
    void anUnpublishedAncestorReachedThroughAPublishedParentIsRenderedAndBuilt() throws IOException {
        image("root", "2.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("mid", "1.0", "FROM {{ \"root\" | image_tag }}\n{{ broken }}\n", "root");
        image("leaf", "1.0", "FROM {{ \"mid\" | image_tag }}\n", "mid");
        publish("mid", "1.0");

        BuildPlan plan = build(config(), Optional.of("*/leaf:*"));
        assertThat(plan.get("mid").image().rendered()).isFalse();
        assertThat(plan.get("root").image().rendered()).isTrue();
        assertThat(plan.get("root").action()).isEqualTo(Action.BUILD);
        assertThat(plan.get("root").reason()).isEqualTo("needed by leaf"); // as when every template is rendered
        assertThat(plan.work()).extracting(PlannedImage::name).containsExactlyInAnyOrder("root", "leaf");
    }

    @Test
    void aPolicyViolationInAnImageToBuildStillStopsTheBuildButNotInAPublishedOne() throws IOException {
        image("ok", "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
        image("old", "1.0", "FROM docker.io/library/debian:bookworm\n");
        publish("old", "1.0");
        assertThat(build(config(), Optional.empty()).work()).extracting(PlannedImage::name).containsExactly("ok");

        image("new", "1.0", "FROM docker.io/library/debian:bookworm\n");
        assertThatThrownBy(() -> build(config(), Optional.empty())).isInstanceOf(RegistryPolicyException.class)
                .hasMessageContaining("docker.io/library/debian:bookworm");
    }
}
