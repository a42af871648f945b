package org.imagetree.pipeline;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.EngineException;
import org.imagetree.model.BaseImageOf;
import org.imagetree.pipeline.execute.CredentialResolver;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.plan.GitFacts;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;
import org.imagetree.testing.CountingEngine;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a service pipeline's run asks of the engine and the registry, on PipelineLib's service1 (unit and lint in
 * parallel, then candidate published): each base pulled once per run, a stage that needs a base another stage is
 * pulling waiting for that pull (and failing with it), our registry asked for a base's digest once per run, no
 * engine request to complete an image ID BuildKit already gave in full, and a run whose engine does not answer
 * refused before anything starts. The engine is the real one, counted ({@link CountingEngine}); faults (a failed pull,
 * an engine that does not answer) are injected around it.
 */
@Tag("docker")
class PipelineRunCostTest {
    private static LocalRegistry registry;
    private static String base;
    private static DockerJavaEngine engine;
    private static DockerCli docker;
    private static final String NAMESPACE = "cost-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void registry() {
        registry = LocalRegistry.startLoggingRequests();
        base = TestEnvironment.publishBaseImage(registry.host());
        engine = new DockerJavaEngine(TestEnvironment.dockerHost());
        docker = DockerCli.locateWithBuildKit(System.getenv());
    }

    @AfterAll
    static void stop() {
        if (engine != null) engine.close();
        if (registry != null) registry.close();
    }

    static PipelineRunResult run(Path repo, List<String> pipelines, ContainerEngine on, PipelineLibSystemTest.Recorder rec) {
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "namespace", NAMESPACE));
        ServicePipelines.Request request = new ServicePipelines.Request(repo, null, pipelines, Optional.empty(),
                GitFacts.read(repo, System.getenv(), ""), PipelineSettings.from(config), 2);
        ServicePipelines.Environment env = new ServicePipelines.Environment(
                ServicePipelines.dockerBackend(Optional.of(config), docker, on, engine.containers()),
                CredentialResolver.NONE, JenkinsActions.COMMAND_LINE, System.getenv(), Clock.systemUTC());
        try {
            return ServicePipelines.run(request, env, rec);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** How many times our registry was asked by Image Tree itself for the manifest of {@code reference}. */
    static long manifestQuestions(String reference) {
        String path = reference.substring(registry.host().length() + 1);
        int colon = path.lastIndexOf(':');
        String request = "\"HEAD /v2/" + path.substring(0, colon) + "/manifests/" + path.substring(colon + 1) + " ";
        return registry.log().lines().filter(l -> l.contains(request) && l.contains("\"image-tree\"")).count();
    }

    @Test
    void service1PullsItsBaseOnceAsksItsDigestOnceAndInspectsNoImageBuildKitNamedInFull(@TempDir Path dir) throws Exception {
        Path repo = PipelineLibSystemTest.checkout(dir, base);
        CountingEngine counted = new CountingEngine(engine);
        PipelineLibSystemTest.Recorder rec = new PipelineLibSystemTest.Recorder();
        rec.onFinished.put("candidate", c -> docker.inspect("sha256:" + c.images().get(0).id(),
                "{{index .Config.Labels \"" + BaseImageOf.DIGEST_LABEL + "\"}}"));
        long asked = manifestQuestions(base);

        PipelineRunResult r = run(repo, List.of("service1"), counted, rec);

        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        // Three builds on one base (imagePullPolicy: always): one pull, one digest question, no inspect of a build.
        assertThat(counted.calls()).filteredOn(c -> c.startsWith("pull ")).containsExactly("pull " + base);
        assertThat(manifestQuestions(base) - asked).isEqualTo(1);
        assertThat(counted.calls()).noneMatch(c -> c.startsWith("inspect localhost/plib-image-"));
        // Every image still records its base's digest, and its full ID.
        assertThat(rec.seen.get("candidate")).isEqualTo(PipelineLibSystemTest.servedDigest(registry, base));
        for (StageResult s : r.pipelines().get(0).stages()) assertThat(s.images()).allSatisfy(i -> assertThat(i.id()).matches("[0-9a-f]{64}"));
    }

    @Test
    void aStageWaitsForThePullAnotherStageStartedAndFailsWithIt(@TempDir Path dir) throws Exception {
        Path repo = PipelineLibSystemTest.checkout(dir, base);
        Faulty faulty = new Faulty(new CountingEngine(engine), true, true);
        PipelineLibSystemTest.Recorder rec = new PipelineLibSystemTest.Recorder();

        PipelineRunResult r = run(repo, List.of("service1"), faulty, rec);

        // unit and lint start together; one pulls (slowly, then fails), the other waits for it instead of building on
        // the base as it was, and fails with the same error; candidate is skipped.
        assertThat(r.succeeded()).isFalse();
        // One pull, shared by both stages, retried as every pull a build needs (issue 22): its attempts, not two pulls' worth.
        assertThat(faulty.counted.calls()).filteredOn(c -> c.startsWith("pull ")).hasSize(org.imagetree.registry.RetryPolicy.DEFAULT.maxAttempts());
        for (String stage : List.of("unit", "lint")) {
            assertThat(PipelineLibSystemTest.stage(r, stage).status()).as(String.join("\n", rec.events)).isEqualTo(StageStatus.FAILED);
            assertThat(PipelineLibSystemTest.stage(r, stage).reason()).contains("injected: the registry went away");
            assertThat(PipelineLibSystemTest.stage(r, stage).images()).allSatisfy(i -> assertThat(i.id()).isEmpty());
        }
        assertThat(PipelineLibSystemTest.stage(r, "candidate").status()).isEqualTo(StageStatus.SKIPPED);
    }

    @Test
    void aRunWhoseEngineDoesNotAnswerIsRefusedBeforeAnythingStartsUnlessItNeedsNoEngine(@TempDir Path dir) throws Exception {
        Path repo = PipelineLibSystemTest.checkout(dir, base);
        Faulty silent = new Faulty(new CountingEngine(engine), false, false);
        PipelineLibSystemTest.Recorder rec = new PipelineLibSystemTest.Recorder();

        assertThatThrownBy(() -> run(repo, List.of("service1"), silent, rec))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("the container engine does not answer");
        assertThat(rec.events).isEmpty();
        assertThat(silent.counted.calls()).containsExactly("ping");

        // A pipeline that only exports needs no engine: it runs.
        PipelineRunResult r = run(repo, List.of("test-checkout-binding"), silent, rec);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
    }

    /** The counted real engine, but for the faults a test injects: a pull that fails after a while, no answer to a ping. */
    static final class Faulty implements ContainerEngine {
        final CountingEngine counted;
        private final boolean answers;
        private final boolean pullFails;

        Faulty(CountingEngine counted, boolean answers, boolean pullFails) {
            this.counted = counted;
            this.answers = answers;
            this.pullFails = pullFails;
        }

        @Override public void pull(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
            counted.pull(reference, auth, log);
            if (!pullFails) return;
            try {
                Thread.sleep(1500); // long enough for the other stage to come for the same base
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new EngineException("cannot pull " + reference + ": injected: the registry went away");
        }

        @Override public boolean ping() {
            counted.ping();
            return answers;
        }

        @Override public String build(BuildRequest request, Consumer<String> log) throws EngineException { return counted.build(request, log); }
        @Override public Optional<LocalImage> inspect(String reference) throws EngineException { return counted.inspect(reference); }
        @Override public void tag(String source, String target) throws EngineException { counted.tag(source, target); }
        @Override public String push(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
            return counted.push(reference, auth, log);
        }
        @Override public List<LocalImage> listRepository(String repository) throws EngineException { return counted.listRepository(repository); }
        @Override public void remove(String reference) throws EngineException { counted.remove(reference); }
        @Override public Optional<Set<String>> tagsAmong(Collection<String> references) throws EngineException { return counted.tagsAmong(references); }
        @Override public void close() { }
    }
}
