package org.imagetree.pipeline;

import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.SetupBindings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PipelineLib's {@code PipelineTest.groovy} (b23da56), case by case: a pipeline's defaults, its node labels, where its
 * Blubber config is found whatever its directory, its validation and its stack of stages.
 */
class PipelineTest {
    @Test
    void constructor() {
        Pipeline p = Configs.model("""
                pipelines:
                  foo:
                    blubberfile: bar/blubber.yaml
                    directory: src/foo
                    fetch: {shallow: true, depth: 50, submodules: false}
                    stages: [{name: unit}, {name: lint}, {name: candidate}, {name: production}]
                    execution:
                      - [unit, candidate, production]
                      - [lint, candidate, production]
                """).pipelines().get(0);
        assertThat(p.blubberfile().toJava()).isEqualTo("bar/blubber.yaml");
        assertThat(p.directory()).isEqualTo("src/foo");
        assertThat(p.fetch()).isEqualTo(Map.of("shallow", true, "depth", 50L, "submodules", false));
        assertThat(p.execution()).containsExactly(List.of("unit", "candidate", "production"), List.of("lint", "candidate", "production"));
    }

    @Test
    void defaults() {
        Pipeline p = Configs.model("""
                pipelines:
                  foo:
                    directory: src/foo
                    stages: [{name: unit}, {name: lint}, {name: candidate}, {name: production}]
                """).pipelines().get(0);
        assertThat(p.blubberfile().toJava()).isEqualTo("foo/blubber.yaml");
        assertThat(p.fetch()).isEmpty();
        assertThat(p.execution()).containsExactly(List.of("unit", "lint", "candidate", "production"));
    }

    private static Set<String> labels(String stages) {
        return Configs.model("pipelines:\n  foo:\n    stages: " + stages + "\n").pipelines().get(0).requiredNodeLabels();
    }

    @Test
    void requiredNodeLabels() {
        assertThat(labels("[]")).containsExactly("pipelinelib");
        assertThat(labels("[{name: foo, build: foo}]")).containsExactly("pipelinelib", "pipelinelib-build");
        assertThat(labels("[{name: foo, run: {image: foo}}]")).containsExactly("pipelinelib", "pipelinelib-build");
        assertThat(labels("[{name: foo, copy: ['foo/*']}]")).containsExactly("pipelinelib", "pipelinelib-build");
        assertThat(labels("[{name: foo, publish: {image: {id: foo}}}]")).containsExactly("pipelinelib", "pipelinelib-publish");
        assertThat(labels("[{name: foo, promote: [{chart: foo}]}]")).containsExactly("pipelinelib", "pipelinelib-promote");
    }

    @Test
    void blubberConfigIsUnderDotPipelineWhateverTheDirectory() {
        // PipelineTest.testRunner: the runner's configPath is made relative to the pipeline's directory, so the
        // Blubber config is .pipeline/<pipeline>/blubber.yaml of the repository whatever the directory.
        PipelinePlan plan = Configs.plan("pipelines: {foo: {directory: src/foo/, stages: [{name: bar}]}}");
        assertThat(plan.pipelines().get(0).blubberfile()).isEqualTo(".pipeline/foo/blubber.yaml");
        assertThat(((Map<?, ?>) plan.pipelines().get(0).stages().get(0).steps().get("build")).get("context")).isEqualTo("src/foo");
        // The registry and its repository are the engine config's (PipelineRunner's registry/repository overrides).
        PipelinePlan published = Configs.plan("pipelines: {foo: {stages: [{name: bar, build: bar, publish: {image: true}}]}}");
        Map<?, ?> image = (Map<?, ?>) ((Map<?, ?>) published.pipelines().get(0).stages().get(0).steps().get("publish")).get("image");
        assertThat(image.get("references").toString()).isEqualTo("[registry.example/bar/foo-project:${setup.timestamp}-bar]");
    }

    @Test
    void setupAndTeardownAreReserved() {
        assertThatThrownBy(() -> Configs.plan("pipelines: {foo: {stages: [{name: setup}]}}"))
                .isInstanceOf(PipelineConfigException.class).hasMessage(".pipeline/config.yaml:1: pipelines.foo.stages[0]: setup is a reserved stage name");
        assertThatThrownBy(() -> Configs.plan("pipelines: {foo: {stages: [{name: teardown}]}}"))
                .hasMessage(".pipeline/config.yaml:1: pipelines.foo.stages[0]: teardown is a reserved stage name");
    }

    @Test
    void executionMustBeAListOfLists() {
        assertThatThrownBy(() -> Configs.plan("pipelines: {foo: {stages: [{name: foo}, {name: bar}], execution: [foo, bar]}}"))
                .hasMessage(".pipeline/config.yaml:1: pipelines.foo.execution: `execution` graph must be a list of lists (graph branches)");
    }

    @Test
    void actionsOutsideAllowedActionsAreRefused() {
        assertThatThrownBy(() -> Configs.plan("pipelines: {foo: {stages: [{name: foo, build: foo, publish: {image: true}}]}}", Set.of("build", "run")))
                .hasMessage(".pipeline/config.yaml:1: stage `foo` contains an action (`publish`) that is not allowed by this pipeline");
        // A stage of only a name builds and runs: allowed when build and run are.
        assertThat(Configs.plan("pipelines: {foo: {stages: [{name: foo}]}}", Set.of("build", "run")).pipelines()).hasSize(1);
    }

    @Test
    void stack() {
        PipelinePlan plan = Configs.plan("""
                pipelines:
                  foo:
                    stages: [{name: stageA}, {name: stageB}, {name: stageC}]
                    execution: [[stageA, stageC], [stageB, stageC]]
                """);
        PipelinePlan.PlannedPipeline p = plan.pipelines().get(0);
        assertThat(p.frames()).containsExactly(List.of("stageA", "stageB"), List.of("stageC"));
        assertThat(SetupBindings.fullGraph(p.model()).stack()).containsExactly(List.of("setup"), List.of("stageA", "stageB"), List.of("stageC"), List.of("teardown"));
        assertThat(p.stages()).extracting(PipelinePlan.PlannedStage::after).containsExactly(List.of(), List.of(), List.of("stageA", "stageB"));
    }
}
