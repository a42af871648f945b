package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.Result;
import org.imagetree.jenkins.harness.AgentJvm;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code servicePipeline} as a Jenkinsfile runs it, through the offline harness (the run on an agent JVM, its
 * trigger, notify, archive and credential calls back on the controller through the exported callbacks), on the real
 * engine, Docker Engine and a local registry, with PipelineLib's system-test repository
 * ({@code systemtests/repo1}, re-expressed for phase 1 in core/src/test/resources/org/imagetree/pipeline/repo1).
 */
class ServicePipelineStepTest {
    static LocalRegistry registry;
    static String base;
    static final String NAMESPACE = "plugin-repo1-" + UUID.randomUUID().toString().substring(0, 8);
    static final String BUILD_URL = "https://jenkins.example.org/job/repo1-merge/7/";

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        base = TestEnvironment.publishBaseImage(registry.host());
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    /** The fixture as a Git checkout of https://gerrit.example.org/r/repo1 (bases on the test registry), and an engine config. */
    static Path workspace(Path dir) throws Exception {
        Path fixture = TestEnvironment.repo().resolve("core/src/test/resources/org/imagetree/pipeline/repo1");
        TestEnvironment.copyTree(fixture, dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("blubber.yaml")) Files.writeString(f, Files.readString(f).replace("@BASE@", base));
                if (f.getFileName().toString().endsWith(".sh")) f.toFile().setExecutable(true, false);
            }
        }
        git(dir, "init", "-q", "-b", "main");
        git(dir, "remote", "add", "origin", "https://gerrit.example.org/r/repo1");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "repo1");
        Files.writeString(dir.resolve("imagetree.yaml"), "registry: " + registry.host() + "\nnamespace: " + NAMESPACE + "\n");
        return dir;
    }

    static void git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        TestEnvironment.run(Map.of(), cmd.toArray(String[]::new));
    }

    static TestStepContext context(Path workspace) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BUILD_URL", BUILD_URL);
        env.put("JOB_NAME", "repo1-merge");
        env.put("BUILD_ID", "7");
        return new TestStepContext(workspace, env);
    }

    static ServicePipelineStep step(String... pipelines) {
        ServicePipelineStep step = new ServicePipelineStep();
        step.setPipelines(List.of(pipelines));
        step.setEngineConfig("imagetree.yaml");
        return step;
    }

    @SuppressWarnings("unchecked")
    static <T> T get(Object map, String key) { return (T) ((Map<String, Object>) map).get(key); }

    @Test
    void service1RunsEndToEndAndTheBuildPageHasEachStageItsImagesAndDigests(@TempDir Path dir) throws Throwable {
        Path ws = workspace(dir);
        ServicePipelineStep step = step("service1");
        step.setJobs(2);
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        TestStepContext ctx = context(ws);
        Object result = ctx.run(step, Duration.ofMinutes(15));

        assertThat((Boolean) get(result, "succeeded")).as(ctx.log()).isTrue();
        List<Map<String, Object>> published = get(result, "published");
        String repository = registry.host() + "/" + NAMESPACE + "/repo1";
        assertThat(published).hasSize(1);
        String reference = (String) published.get(0).get("reference");
        assertThat(reference).matches(java.util.regex.Pattern.quote(repository + ":") + "\\d{4}-\\d{2}-\\d{2}-\\d{6}-candidate");
        java.util.Optional<ManifestDescriptor> served = RegistryClient.builder().build().headManifest(ImageReference.parse(reference));
        assertThat(served).hasValueSatisfying(m -> assertThat(m.digest()).isEqualTo(published.get(0).get("digest")));
        assertThat(ctx.log()).contains("[service1/unit]", "service1 unit tests", "service1 linters", "[pipeline] published " + reference + "@sha256:");

        ServicePipelineAction action = ctx.run.getAction(ServicePipelineAction.class);
        assertThat(action).isNotNull();
        assertThat(action.getRun()).isSameAs(ctx.run);
        assertThat(action.getPipelines()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("service1");
            assertThat(p.isSucceeded()).isTrue();
            assertThat(p.getStages()).extracting(ServicePipelineAction.StageRow::getName, ServicePipelineAction.StageRow::getStatus)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("unit", "succeeded"), org.assertj.core.groups.Tuple.tuple("lint", "succeeded"),
                            org.assertj.core.groups.Tuple.tuple("candidate", "succeeded"));
            ServicePipelineAction.StageRow candidate = p.getStages().get(2);
            assertThat(candidate.getImages()).singleElement().asString().startsWith("production: ");
            assertThat(candidate.getPublished()).extracting(ServicePipelineAction.Published::getReference).containsExactly(reference);
            assertThat(candidate.getPublished().get(0).getDigest()).matches("sha256:[0-9a-f]{64}");
        });
        assertThat(action.getCounts()).isEqualTo("1 pipeline(s): 1 succeeded; 1 image reference(s) published");
    }

    @Test
    void allowedActionsWithoutPublishRefusesTheCandidateStageBeforeAnythingRunsOrAnyCredentialIsResolved(@TempDir Path dir) throws Throwable {
        Path ws = workspace(dir);
        ServicePipelineStep step = step("service1");
        step.setAllowedActions(List.of("build", "run", "copy", "exports"));
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), "registry-creds"));
        assertThat(step.mayPublish()).isFalse();
        TestStepContext ctx = context(ws);
        ctx.controller.credential("registry-creds", "127.0.0.1", "bot", "a-registry-password");
        assertThatThrownBy(() -> ctx.run(step, Duration.ofMinutes(5))).isInstanceOf(AbortException.class)
                .hasMessageContaining("1 problem(s) in .pipeline/config.yaml, nothing run")
                .hasMessageContaining("stage `candidate` contains an action (`publish`) that is not allowed by this pipeline");
        assertThat(ctx.log()).containsPattern("error: \\.pipeline/config\\.yaml:\\d+: stage `candidate` contains an action \\(`publish`\\)")
                .doesNotContain("[service1/unit]").doesNotContain("[pipeline] stage");
        assertThat(ctx.controller.resolved).as("a job that may not publish never gets the registry's secret").isEmpty();
        assertThat(ctx.run.getAction(ServicePipelineAction.class)).isNull();

        // The same job with publish allowed resolves the registry's credential (on the controller) and plans the stage.
        ServicePipelineStep merge = step("service1");
        merge.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), "registry-creds"));
        assertThat(merge.mayPublish()).isTrue();
    }

    @Test
    void service2TriggerSchedulesTheDownstreamJobWithItsParametersHonouringWaitAndPropagate(@TempDir Path dir) throws Throwable {
        Path ws = workspace(dir);
        // Not an allowed trigger job: refused before the pipeline starts, nothing scheduled (PipelineRunner.triggerJob).
        TestStepContext refused = context(ws);
        refused.controller.job("totally-triggered", Result.SUCCESS, new CountDownLatch(0));
        assertThatThrownBy(() -> refused.run(step("service2"), Duration.ofMinutes(2))).isInstanceOf(AbortException.class)
                .hasMessageContaining("Invalid trigger job 'totally-triggered'. Allowed trigger jobs: []");
        assertThat(refused.controller.scheduled).isEmpty();

        // Allowed, PipelineLib's defaults (wait: false, propagate: true): scheduled with its parameters, not waited for.
        ServicePipelineStep step = step("service2");
        step.setAllowedTriggerJobs(List.of("totally-triggered"));
        TestStepContext ctx = context(ws);
        ctx.controller.job("totally-triggered", Result.FAILURE, new CountDownLatch(1)); // never released: a wait would hang
        Object result = ctx.run(step, Duration.ofMinutes(2));
        assertThat((Boolean) get(result, "succeeded")).isTrue();
        String ts = (String) ((List<Map<String, Object>>) get(result, "pipelines")).get(0).get("timestamp");
        assertThat(ctx.controller.scheduled).singleElement().satisfies(s -> {
            assertThat(s.job()).isEqualTo("totally-triggered");
            assertThat(s.parameters()).containsExactly(Map.entry("TRIGGER", "spiders-from-" + ts + "-test"));
            assertThat(s.authentication()).as("checked as the build's authentication, captured on the step's thread").isEqualTo("build-user");
            assertThat(s.finished()).isFalse();
        });
        assertThat(ctx.log()).contains("trigger: scheduled totally-triggered #1 with parameters [TRIGGER]");

        // wait: true: the stage waits for the downstream build; propagate (default) fails it when that build failed.
        Path config = ws.resolve(".pipeline/config.yaml");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("          name: totally-triggered\n", "          name: totally-triggered\n          wait: true\n"));
        TestStepContext waiting = context(ws);
        waiting.controller.job("totally-triggered", Result.FAILURE, new CountDownLatch(0));
        assertThatThrownBy(() -> waiting.run(step, Duration.ofMinutes(2))).isInstanceOf(AbortException.class)
                .hasMessageContaining("service2/test: trigger: totally-triggered #1 completed with status FAILURE (propagate: false to ignore)");
        assertThat(waiting.controller.scheduled).singleElement().satisfies(s -> assertThat(s.finished()).isTrue());
        assertThat(waiting.run.getAction(ServicePipelineAction.class).getPipelines().get(0).getStages().get(0).getStatus()).isEqualTo("failed");

        // wait: true, propagate: false: waited for, its failure only logged.
        Files.writeString(config, original.replace("          name: totally-triggered\n",
                "          name: totally-triggered\n          wait: true\n          propagate: false\n"));
        TestStepContext lenient = context(ws);
        lenient.controller.job("totally-triggered", Result.FAILURE, new CountDownLatch(0));
        assertThat((Boolean) get(lenient.run(step, Duration.ofMinutes(2)), "succeeded")).isTrue();
        assertThat(lenient.log()).contains("trigger: totally-triggered #1 completed with status FAILURE");
    }

    static final String FAILING = """
            pipelines:
              failing:
                blubberfile: blubber.yaml
                notify:
                  email:
                    to: [team@example.org]
                stages:
                  - name: broken
                    build: bash
                    run:
                      arguments: ['echo "token is $SONAR_TOKEN"; exit 3']
                      credentials:
                        - {id: sonar, name: SONAR_TOKEN}
            """;

    @Test
    void notifyWithoutMailerSaysSoInTheLogWithMailerSendsAndCredentialsAreMasked(@TempDir Path dir) throws Throwable {
        Path ws = workspace(dir);
        Files.writeString(ws.resolve(".pipeline/config.yaml"), FAILING);
        ServicePipelineStep step = step("failing");
        step.setAllowedCredentials(List.of("sonar"));
        String secret = "sonar-" + UUID.randomUUID();
        TestStepContext ctx = context(ws);
        ctx.controller.secretTexts.put("sonar", secret);
        assertThatThrownBy(() -> ctx.run(step, Duration.ofMinutes(10))).isInstanceOf(AbortException.class)
                .hasMessageContaining("failing/broken: run: the container exited with status 3");
        assertThat(ctx.log()).contains("notify: notify needs the Mailer plugin, which is not installed: no mail sent to team@example.org"
                + " (subject: [Pipeline] repo1 failing/broken failed)");
        assertThat(ctx.log()).contains("token is ****").doesNotContain(secret);
        assertThat(ctx.run.getAction(ServicePipelineAction.class).getPipelines().get(0).isSucceeded()).isFalse();

        TestStepContext withMailer = context(ws);
        withMailer.controller.mailer = true;
        withMailer.controller.secretTexts.put("sonar", secret);
        assertThatThrownBy(() -> withMailer.run(step, Duration.ofMinutes(10))).isInstanceOf(AbortException.class);
        assertThat(withMailer.controller.mails).singleElement().satisfies(m -> {
            assertThat(m.get(0)).isEqualTo("team@example.org");
            assertThat(m.get(1)).isEqualTo("[Pipeline] repo1 failing/broken failed");
            assertThat(m.get(2)).contains(BUILD_URL + "console");
        });
        assertThat(withMailer.log()).contains("notify: mail sent to team@example.org");

        // A credential the step does not allow is refused before anything runs, naming the allowed ones.
        step.setAllowedCredentials(List.of());
        TestStepContext refused = context(ws);
        assertThatThrownBy(() -> refused.run(step, Duration.ofMinutes(2))).isInstanceOf(AbortException.class)
                .hasMessageContaining("Invalid Credential: 'sonar'. Allowed credentials: []");
    }

    @Test
    void copyArchiveKeepsTheFileAsAnArtifactOfTheBuild(@TempDir Path dir, @TempDir Path artifacts) throws Throwable {
        Path ws = workspace(dir);
        TestStepContext ctx = context(ws);
        ctx.controller.artifacts = artifacts;
        assertThat((Boolean) get(ctx.run(step("test-copy-archive"), Duration.ofMinutes(10)), "succeeded")).as(ctx.log()).isTrue();
        assertThat(ctx.controller.archived).containsExactly("bar/greeting");
        assertThat(artifacts.resolve("bar/greeting")).hasContent("hi");
    }

    @Test
    void theActionsDataCrossesTheAgentChannelAndSurvivesTheBuildsSerializationMasked() throws Exception {
        for (Class<?> c : List.of(ServicePipelineAction.PipelineSection.class, ServicePipelineAction.StageRow.class,
                ServicePipelineAction.Published.class, ServicePipelineCall.Outcome.class)) {
            assertThat(AgentJvm.whyNot(c, ServicePipelineAction.class)).as(c.getName()).isNull();
        }
        TestStepContext.TestRun run = new TestStepContext.TestRun();
        SecretMasker masker = new SecretMasker(List.of("hunter2-secret"));
        ServicePipelineAction.StageRow failed = new ServicePipelineAction.StageRow("unit", "failed", "login hunter2-secret refused", 1500,
                List.of("test: abc (localhost/plib-image-x)"), List.of());
        ServicePipelineAction.StageRow ok = new ServicePipelineAction.StageRow("candidate", "succeeded", "", 2500, List.of("production: def (l)"),
                List.of(new ServicePipelineAction.Published("r/repo1:1", "sha256:" + "0".repeat(64))));
        ServicePipelineAction first = ServicePipelineAction.record(run, List.of(new ServicePipelineAction.PipelineSection("service1", "20261207",
                false, List.of(failed, ok), List.of("cannot remove x: hunter2-secret"))), masker);
        ServicePipelineAction second = ServicePipelineAction.record(run, List.of(new ServicePipelineAction.PipelineSection("service2", "20261207",
                true, List.of(), List.of())), masker);
        assertThat(second).isSameAs(first);
        assertThat(run.getActions(ServicePipelineAction.class)).hasSize(1);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(first.getPipelines()));
        }
        List<ServicePipelineAction.PipelineSection> back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked") List<ServicePipelineAction.PipelineSection> read = (List<ServicePipelineAction.PipelineSection>) in.readObject();
            back = read;
        }
        assertThat(back).extracting(ServicePipelineAction.PipelineSection::getName).containsExactly("service1", "service2");
        ServicePipelineAction.PipelineSection p = back.get(0);
        assertThat(p.getStages()).extracting(ServicePipelineAction.StageRow::getReason).containsExactly("login **** refused", "");
        assertThat(p.getTeardownProblems()).containsExactly("cannot remove x: ****");
        assertThat(p.getStages().get(1).getPublished().get(0).getDigest()).isEqualTo("sha256:" + "0".repeat(64));
        assertThat(p.getStages().get(1).getDuration()).isEqualTo("2.5");
        assertThat(p.getStages().get(0).isFailed()).isTrue();
        assertThat(first.getCounts()).isEqualTo("2 pipeline(s): 1 succeeded, 1 failed; 1 image reference(s) published");
        assertThat(first.getUrlName()).isEqualTo("service-pipelines");
    }
}
