package org.imagetree.pipeline;

import org.imagetree.execute.EngineException;
import org.imagetree.pipeline.execute.CredentialResolver;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.execute.PipelineBackend;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.SetupBindings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.PipelineConfigReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PipelineLib's {@code PipelineBuilderTest.groovy} (b23da56): the config's path, the selected pipeline's stages run
 * setup first and teardown last, and every selected pipeline validated before any runs; plus the builder's refusal of a
 * pipeline the config does not define.
 */
class PipelineBuilderTest {
    @Test
    void configPathDefaultsToDotPipelineConfigYaml(@TempDir Path repo) {
        ServicePipelines.Request r = new ServicePipelines.Request(repo, null, List.of(), Optional.empty(), Configs.FACTS, Configs.SETTINGS, 1);
        assertThat(r.configPath()).isEqualTo(PipelineConfigReader.DEFAULT_PATH).isEqualTo(".pipeline/config.yaml");
    }

    @Test
    void theSelectedPipelineRunsSetupItsStagesAndTeardown() {
        PipelinePlan plan = Configs.plan("pipelines: {foo-pipeline: {stages: [{name: stageOne}, {name: stageTwo}]}, other: {stages: [{name: x}]}}",
                "foo-pipeline");
        assertThat(plan.pipelines()).extracting(PipelinePlan.PlannedPipeline::name).containsExactly("foo-pipeline");
        assertThat(SetupBindings.fullGraph(plan.pipelines().get(0).model()).stack())
                .containsExactly(List.of("setup"), List.of("stageOne"), List.of("stageTwo"), List.of("teardown"));
        assertThat(plan.pipelines().get(0).model().requiredNodeLabels()).containsExactly("pipelinelib", "pipelinelib-build");
    }

    @Test
    void aPipelineTheConfigDoesNotDefineIsRefused() {
        assertThatThrownBy(() -> Configs.plan("pipelines: {foo: {stages: []}}", "bar"))
                .hasMessage(".pipeline/config.yaml: Pipeline 'bar' is not defined in project's '.pipeline/config.yaml' (it defines: foo)");
    }

    /** A backend that fails the test if a run reaches it. */
    static final class Untouchable implements PipelineBackend {
        @Override public List<String> checkBuild(BuildSpec spec) { throw new AssertionError("checked a build: " + spec); }

        @Override public Built build(BuildSpec spec, Consumer<String> log) { throw new AssertionError("built " + spec); }

        @Override public int run(RunSpec spec, Consumer<String> stdout, Consumer<String> stderr) { throw new AssertionError("ran " + spec); }

        @Override public InputStream copyFrom(String container, String path) { throw new AssertionError("copied"); }

        @Override public String publish(String image, boolean buildKit, String reference, Consumer<String> log) { throw new AssertionError("published"); }

        @Override public void removeContainer(String name) throws EngineException { throw new AssertionError("removed " + name); }

        @Override public void removeImage(String reference) throws EngineException { throw new AssertionError("removed " + reference); }
    }

    @Test
    void everySelectedPipelineIsValidatedBeforeAnyRuns(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".pipeline"));
        Files.writeString(repo.resolve(".pipeline/config.yaml"), """
                pipelines:
                  good:
                    stages: [{name: fine}]
                  bad:
                    stages: [{name: a}, {name: b}]
                    execution: [[a, b], [b, a]]
                """);
        ServicePipelines.Request r = new ServicePipelines.Request(repo, null, List.of("good", "bad"), Optional.empty(), Configs.FACTS, Configs.SETTINGS, 1);
        ServicePipelines.Environment env = new ServicePipelines.Environment(new Untouchable(), CredentialResolver.NONE,
                JenkinsActions.COMMAND_LINE, Map.of(), Clock.systemUTC());
        assertThatThrownBy(() -> ServicePipelines.run(r, env, PipelineListener.NONE)).isInstanceOf(PipelineConfigException.class)
                .hasMessage(".pipeline/config.yaml:6: pipelines.bad.execution: cycle detected in graph: a -> b -> a");
    }
}
