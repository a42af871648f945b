package org.imagetree.pipeline;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.pipeline.execute.CredentialResolver;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.execute.PipelineBackend;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.plan.GitFacts;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PipelineLib's system-test repository ({@code systemtests/repo1}, re-expressed in
 * {@code src/test/resources/org/imagetree/pipeline/repo1}) run end to end on the real engine, against a registry of
 * its own to which the local test base image is published: every pipeline, as PipelineLib's system tests run them.
 */
@Tag("docker")
class PipelineLibSystemTest {
    private static LocalRegistry registry;
    private static String base;
    private static DockerJavaEngine engine;
    private static DockerCli docker;
    private static final String NAMESPACE = "repo1-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void registry() {
        registry = LocalRegistry.start();
        base = TestEnvironment.publishBaseImage(registry.host());
        engine = new DockerJavaEngine(TestEnvironment.dockerHost());
        docker = DockerCli.locateWithBuildKit(System.getenv());
    }

    @AfterAll
    static void stop() {
        if (engine != null) engine.close();
        if (registry != null) registry.close();
    }

    /** The fixture as a Git checkout of {@code https://gerrit.example.org/r/repo1}, its bases on the test registry. */
    static Path checkout(Path dir) throws Exception {
        return checkout(dir, base);
    }

    /** The fixture as a Git checkout, its bases {@code base}. */
    static Path checkout(Path dir, String base) throws Exception {
        Path fixture = TestEnvironment.repo().resolve("core/src/test/resources/org/imagetree/pipeline/repo1");
        TestEnvironment.copyTree(fixture, dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("blubber.yaml")) {
                    Files.writeString(f, Files.readString(f).replace("@BASE@", base));
                }
                if (f.getFileName().toString().endsWith(".sh")) f.toFile().setExecutable(true, false);
            }
        }
        git(dir, "init", "-q", "-b", "main");
        git(dir, "remote", "add", "origin", "https://gerrit.example.org/r/repo1");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "repo1");
        return dir;
    }

    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        return TestEnvironment.run(Map.of(), cmd.toArray(String[]::new)).strip();
    }

    /** Everything a run tells, in order; {@code onFinished} looks at a stage's images before the teardown removes them. */
    static final class Recorder implements PipelineListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Map<String, java.util.function.Function<StageResult, String>> onFinished = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();

        @Override public void stageStarted(String pipeline, String stage) { events.add("start " + stage); }

        @Override public void log(String pipeline, String stage, String line) { events.add("log " + stage + ": " + line); }

        @Override public void stageFinished(StageResult r) {
            events.add("end " + r.stage() + " " + r.status());
            var look = onFinished.get(r.stage());
            if (look != null && r.status() == StageStatus.SUCCEEDED) seen.put(r.stage(), look.apply(r));
        }

        List<String> logOf(String stage) {
            synchronized (events) {
                return events.stream().filter(e -> e.startsWith("log " + stage + ": ")).map(e -> e.substring(("log " + stage + ": ").length())).toList();
            }
        }

        int indexOf(String event) { return events.indexOf(event); }
    }

    /** The Jenkins side, as the plugin will implement it: records what it is asked. */
    static final class RecordingJenkins implements JenkinsActions {
        final List<Trigger> triggers = Collections.synchronizedList(new ArrayList<>());
        final List<Email> mails = Collections.synchronizedList(new ArrayList<>());
        final List<String> archived = Collections.synchronizedList(new ArrayList<>());

        @Override public Optional<String> triggerProblem(Trigger trigger) { return Optional.empty(); }

        @Override public String trigger(Trigger trigger) {
            triggers.add(trigger);
            return "scheduled " + trigger.job();
        }

        @Override public String notify(Email email) {
            mails.add(email);
            return "mail sent to " + email.to();
        }

        @Override public Optional<String> archive(Path workspace, String file) {
            archived.add(file);
            return Optional.of("https://jenkins.example.org/job/x/1/artifact/" + file);
        }

        @Override public boolean archives() { return true; }
    }

    static EngineConfig config() {
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "namespace", NAMESPACE));
    }

    static PipelineRunResult run(Path repo, List<String> pipelines, JenkinsActions jenkins, int jobs, PipelineListener listener) throws Exception {
        return run(repo, pipelines, jenkins, jobs, listener, config());
    }

    static PipelineRunResult run(Path repo, List<String> pipelines, JenkinsActions jenkins, int jobs, PipelineListener listener,
                                 EngineConfig config) throws Exception {
        return run(repo, pipelines, jenkins, jobs, listener, config, b -> b);
    }

    static PipelineRunResult run(Path repo, List<String> pipelines, JenkinsActions jenkins, int jobs, PipelineListener listener,
                                 EngineConfig config, java.util.function.UnaryOperator<PipelineBackend> wrap) throws Exception {
        ServicePipelines.Request request = new ServicePipelines.Request(repo, null, pipelines, Optional.empty(),
                GitFacts.read(repo, System.getenv(), ""), PipelineSettings.from(config), jobs);
        ServicePipelines.Environment env = new ServicePipelines.Environment(wrap.apply(ServicePipelines.dockerBackend(Optional.of(config), docker, engine)),
                CredentialResolver.NONE, jenkins, System.getenv(), Clock.systemUTC());
        return ServicePipelines.run(request, env, listener);
    }

    /** The real backend, recording the local name of every build it is asked for. */
    static final class RecordingBuilds implements PipelineBackend {
        final PipelineBackend real;
        final List<String> built = new java.util.concurrent.CopyOnWriteArrayList<>();

        RecordingBuilds(PipelineBackend real) { this.real = real; }

        @Override public List<String> checkBuild(BuildSpec spec) { return real.checkBuild(spec); }
        @Override public Optional<String> engineProblem() { return real.engineProblem(); }
        @Override public Built build(BuildSpec spec, java.util.function.Consumer<String> log) throws org.imagetree.execute.EngineException, InterruptedException {
            built.add(spec.localName());
            return real.build(spec, log);
        }
        @Override public int run(RunSpec spec, java.util.function.Consumer<String> out, java.util.function.Consumer<String> err)
                throws org.imagetree.execute.EngineException, InterruptedException { return real.run(spec, out, err); }
        @Override public java.io.InputStream copyFrom(String c, String path) throws org.imagetree.execute.EngineException { return real.copyFrom(c, path); }
        @Override public String publish(String image, boolean buildKit, String reference, java.util.function.Consumer<String> log)
                throws org.imagetree.execute.EngineException, InterruptedException { return real.publish(image, buildKit, reference, log); }
        @Override public RunPublishing publishing(Path scratch, java.util.function.Consumer<String> log) { return real.publishing(scratch, log); }
        @Override public void removeContainer(String name) throws org.imagetree.execute.EngineException { real.removeContainer(name); }
        @Override public void removeImage(String reference) throws org.imagetree.execute.EngineException { real.removeImage(reference); }
    }

    static StageResult stage(PipelineRunResult r, String name) {
        return r.pipelines().stream().flatMap(p -> p.stages().stream()).filter(s -> s.stage().equals(name)).findFirst().orElseThrow();
    }

    static String servedDigest(String reference) throws Exception {
        return servedDigest(registry, reference);
    }

    /** The digest {@code registry} serves for {@code reference} (on it). */
    static String servedDigest(LocalRegistry registry, String reference) throws Exception {
        String path = reference.substring(registry.host().length() + 1);
        int colon = path.lastIndexOf(':');
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.baseUri() + "/v2/"
                        + path.substring(0, colon) + "/manifests/" + path.substring(colon + 1)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("registry answers " + reference).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    @Test
    void service1RunsUnitAndLintInParallelThenPublishesTheCandidate(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        git(repo, "tag", "v1.2.3");
        Recorder rec = new Recorder();
        rec.onFinished.put("candidate", c -> docker.inspect(c.published().get(0).reference(), "{{json .Config.Labels}}"));
        PipelineRunResult r = run(repo, List.of("service1"), JenkinsActions.COMMAND_LINE, 2, rec);

        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        PipelineOutcome p = r.pipelines().get(0);
        assertThat(p.stages()).extracting(StageResult::stage, StageResult::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("unit", StageStatus.SUCCEEDED), org.assertj.core.groups.Tuple.tuple("lint", StageStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("candidate", StageStatus.SUCCEEDED));
        // unit and lint are independent: both start before either ends; candidate waits for both.
        int firstEnd = Math.min(rec.indexOf("end unit SUCCEEDED"), rec.indexOf("end lint SUCCEEDED"));
        assertThat(rec.indexOf("start unit")).isLessThan(firstEnd);
        assertThat(rec.indexOf("start lint")).isLessThan(firstEnd);
        assertThat(rec.indexOf("start candidate")).isGreaterThan(Math.max(rec.indexOf("end unit SUCCEEDED"), rec.indexOf("end lint SUCCEEDED")));
        assertThat(rec.logOf("unit")).contains("service1 unit tests");
        assertThat(rec.logOf("lint")).contains("service1 linters");
        // candidate's build needs nothing unit and lint make: it was built (and exported for its publish) while they ran.
        assertThat(rec.logOf("candidate")).contains("build: built while the stages before it ran:");

        // publish.image: true → ${setup.project} named, tagged ${setup.timestamp}-${.stage} and the git tag.
        StageResult candidate = stage(r, "candidate");
        String repository = registry.host() + "/" + NAMESPACE + "/repo1";
        assertThat(candidate.published()).extracting(StageResult.PublishedImage::reference)
                .containsExactly(repository + ":" + p.timestamp() + "-candidate", repository + ":v1.2.3");
        for (StageResult.PublishedImage pi : candidate.published()) {
            assertThat(pi.digest()).matches("sha256:[0-9a-f]{64}");
            assertThat(servedDigest(pi.reference())).isEqualTo(pi.digest());
        }
        assertThat(candidate.exports()).containsEntry("imageName", "repo1").containsEntry("imageTag", p.timestamp() + "-candidate")
                .containsEntry("publishedImage", repository + ":" + p.timestamp() + "-candidate")
                .containsEntry("imageFullName", repository);
        assertThat(candidate.exports()).doesNotContainKey("container"); // run: false
        // The build labels PipelineLib gives (setup.imageLabels) are on the image.
        assertThat(rec.seen.get("candidate")).contains("\"ci.project\":\"repo1\"", "\"ci.pipeline\":\"service1\"");
        // The teardown removed the run's containers and local names.
        for (StageResult s : p.stages()) for (StageResult.BuiltImage b : s.images()) assertThat(docker.imageExists(b.localName())).isFalse();
        assertThat(TestEnvironment.run(Map.of(), "docker", "ps", "-a", "--format", "{{.Names}}")).doesNotContain(stage(r, "unit").exports().get("container"));
    }

    @Test
    void commandOutputListComprehensionsAndCheckoutBinding(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Recorder rec = new Recorder();
        PipelineRunResult r = run(repo, List.of("test-command-output", "test-list-comprehensions", "test-checkout-binding"),
                JenkinsActions.COMMAND_LINE, 2, rec);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        assertThat(stage(r, "cat").exports()).containsEntry("output", "you\n");
        assertThat(stage(r, "test-it").status()).isEqualTo(StageStatus.SUCCEEDED);
        assertThat(stage(r, "sequence").exports()).containsEntry("output", "1\n2\n3\n4\n5\n");
        assertThat(rec.logOf("square")).containsSubsequence("1", "4", "9", "16", "25");
        assertThat(stage(r, "test").exports()).containsEntry("commit", git(repo, "rev-parse", "HEAD"))
                .containsEntry("branch", "main").containsEntry("remote", "https://gerrit.example.org/r/repo1");
    }

    @Test
    void copyPutsTheContainersFileInTheWorkingDirectoryForTheNextBuild(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Recorder rec = new Recorder();
        PipelineRunResult r = run(repo, List.of("test-copy"), JenkinsActions.COMMAND_LINE, 2, rec);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        assertThat(Files.readString(repo.resolve("bar/greeting"))).isEqualTo("hi\n");
        assertThat(stage(r, "check-file-contents").status()).isEqualTo(StageStatus.SUCCEEDED);
        // A stage after a copy builds what the copy left in the workspace: never before its stage.
        assertThat(rec.logOf("check-file-contents")).noneMatch(l -> l.contains("built while the stages before it ran"));
    }

    @Test
    void archivedCopiesGoToJenkinsAFileAsItIsADirectoryAsTarGz(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        RecordingJenkins jenkins = new RecordingJenkins();
        PipelineRunResult r = run(repo, List.of("test-copy-archive", "test-copy-archive-directory"), jenkins, 2, new Recorder());
        assertThat(r.succeeded()).isTrue();
        assertThat(jenkins.archived).containsExactly("bar/greeting", "bar.tar.gz");
        assertThat(r.pipelines().get(0).stages().get(0).exports().get("artifactURLs")).endsWith("/artifact/bar/greeting");
        assertThat(TestEnvironment.run(Map.of(), "tar", "tzf", repo.resolve("bar.tar.gz").toString())).contains("./greeting");

        // On the command line the copy still happens; the archive is said to need Jenkins.
        Path again = checkout(dir.resolve("cli"));
        Recorder rec = new Recorder();
        assertThat(run(again, List.of("test-copy-archive"), JenkinsActions.COMMAND_LINE, 1, rec).succeeded()).isTrue();
        assertThat(again.resolve("bar/greeting")).hasContent("hi");
        assertThat(rec.logOf("make-a-file")).anyMatch(l -> l.contains("archive needs Jenkins"));
    }

    @Test
    void buildOptionsContextAndExcludes(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Recorder rec = new Recorder();
        // The image was built from src/service1 without its Makefile: its entrypoint (checkexcludes.sh) says so.
        rec.onFinished.put("test-context-and-excludes", s -> {
            DockerCli.Result check = docker.run("sha256:" + s.images().get(0).id(), List.of(), Map.of());
            return check.exitCode() + " " + check.output();
        });
        PipelineRunResult r = run(repo, List.of("test-build-options"), JenkinsActions.COMMAND_LINE, 1, rec);
        assertThat(r.succeeded()).isTrue();
        assertThat(stage(r, "test-context-and-excludes").images().get(0).id()).matches("[0-9a-f]{64}");
        assertThat(rec.seen.get("test-context-and-excludes")).startsWith("0 ");
        assertThat(Files.exists(repo.resolve("src/service1/Makefile"))).isTrue();
        // ...and its .dockerignore is untouched (PipelineLib overwrote it for the build and put it back).
        assertThat(Files.readString(repo.resolve("src/service1/.dockerignore"))).isEmpty();
        assertThat(git(repo, "status", "--porcelain")).isEmpty();
    }

    @Test
    void parallelIsolatedStagesRunAtTheSameTime(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Recorder rec = new Recorder();
        PipelineRunResult r = run(repo, List.of("test-T287507"), JenkinsActions.COMMAND_LINE, 4, rec);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        int firstEnd = rec.events.stream().filter(e -> e.startsWith("end ")).map(rec::indexOf).min(Integer::compare).orElseThrow();
        for (String s : List.of("stage1", "stage2", "stage3", "stage4")) assertThat(rec.indexOf("start " + s)).isLessThan(firstEnd);
    }

    @Test
    void service2TriggersItsDownstreamJobInJenkinsAndIsRefusedOnTheCommandLine(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        assertThatThrownBy(() -> run(repo, List.of("service2"), JenkinsActions.COMMAND_LINE, 1, new Recorder()))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining(".pipeline/config.yaml:25: stage 'test' of pipeline 'service2': trigger needs Jenkins")
                .hasMessageContaining("totally-triggered");

        RecordingJenkins jenkins = new RecordingJenkins();
        PipelineRunResult r = run(repo, List.of("service2"), jenkins, 1, new Recorder());
        assertThat(r.succeeded()).isTrue();
        String ts = r.pipelines().get(0).timestamp();
        assertThat(stage(r, "test").exports()).containsEntry("foo", ts + "-test");
        assertThat(jenkins.triggers).containsExactly(new JenkinsActions.Trigger("totally-triggered",
                Map.of("TRIGGER", "spiders-from-" + ts + "-test"), true, false));
    }

    @Test
    void aFailedStageSkipsWhatFollowsItNotifiesAndTheOthersFinish(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Files.writeString(repo.resolve(".pipeline/config.yaml"), """
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
                          arguments: ['echo about to fail; exit 3']
                      - name: after-broken
                        build: bash
                        run:
                          arguments: ['true']
                      - name: independent
                        build: bash
                        run:
                          arguments: ['sleep 3']
                    execution:
                      - [broken, after-broken]
                      - [independent]
                  never:
                    blubberfile: blubber.yaml
                    stages:
                      - name: never
                        build: bash
                """);
        RecordingJenkins jenkins = new RecordingJenkins();
        Recorder rec = new Recorder();
        RecordingBuilds[] builds = new RecordingBuilds[1];
        PipelineRunResult r = run(repo, List.of("failing", "never"), jenkins, 2, rec, config(), b -> builds[0] = new RecordingBuilds(b));
        // after-broken's build started with the run (it needs nothing broken makes); skipped, its image went with the teardown.
        assertThat(builds[0].built).isNotEmpty();
        for (String name : builds[0].built) assertThat(docker.imageExists(name)).as(name + " removed").isFalse();
        assertThat(r.succeeded()).isFalse();
        assertThat(stage(r, "broken").status()).isEqualTo(StageStatus.FAILED);
        assertThat(stage(r, "broken").reason()).isEqualTo("run: the container exited with status 3");
        assertThat(stage(r, "after-broken").status()).isEqualTo(StageStatus.SKIPPED);
        assertThat(stage(r, "independent").status()).isEqualTo(StageStatus.SUCCEEDED);
        assertThat(r.notRun()).containsExactly("never");
        assertThat(jenkins.mails).hasSize(1);
        assertThat(jenkins.mails.get(0).to()).containsExactly("team@example.org");
        assertThat(jenkins.mails.get(0).subject()).isEqualTo("[Pipeline] repo1 failing/broken failed");
        assertThat(rec.logOf("broken")).contains("about to fail");
    }

    @Test
    void publishThenPromoteIntoAChartsCheckoutAndDeployWithHelm(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir.resolve("repo"));
        Files.writeString(repo.resolve(".pipeline/config.yaml"), """
                pipelines:
                  publish:
                    directory: src/service1
                    blubberfile: service1/blubber.yaml
                    stages:
                      - name: candidate
                        build: production
                        publish:
                          image: true
                        promote:
                          - chart: repo1
                            environments: [staging]
                      - name: staging
                        deploy:
                          chart: {name: repo1, version: 1.2.3}
                          image: '${candidate.imageName}'
                          tag: '${candidate.imageTag}'
                          overrides: {main_app: {replicas: 1}}
                          timeout: 90
                """);
        Path charts = Files.createDirectories(dir.resolve("charts"));
        Files.createDirectories(charts.resolve("helmfile.d/services/repo1"));
        Files.writeString(charts.resolve("helmfile.d/services/repo1/values.yaml"), "main_app:\n  version: old\n");
        git(charts, "init", "-q", "-b", "master");
        git(charts, "add", "-A");
        git(charts, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "charts");
        // helm and a cluster cannot be had here: a program standing in for helm records what it is asked to do.
        Path log = dir.resolve("helm.log");
        Path helm = Files.writeString(dir.resolve("helm"), "#!/bin/sh\necho \"KUBECONFIG=$KUBECONFIG $*\" >> " + log + "\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = --values ]; then cat \"$2\" >> " + log + "; fi; shift; done\n");
        helm.toFile().setExecutable(true);
        Path kube = Files.writeString(dir.resolve("kube.config"), "apiVersion: v1\n");
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(), "namespace", NAMESPACE,
                "pipeline", Map.of("helm", helm.toString(), "kube_config", kube.toString(), "charts_checkout", charts.toString())));
        Recorder rec = new Recorder();
        PipelineRunResult r = run(repo, List.of("publish"), JenkinsActions.COMMAND_LINE, 2, rec, config);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        String tag = r.pipelines().get(0).timestamp() + "-candidate";
        String branch = git(charts, "for-each-ref", "--format=%(refname:short)", "refs/heads/promote-*");
        assertThat(git(charts, "show", branch + ":helmfile.d/services/repo1/values-staging.yaml")).isEqualTo("main_app:\n  version: " + tag);
        assertThat(git(charts, "log", "-1", "--format=%s", branch)).isEqualTo("repo1: pipeline bot promote");
        String release = stage(r, "staging").exports().get("releaseName");
        assertThat(release).matches("[a-z0-9]{8}");
        List<String> helmLog = Files.readAllLines(log);
        assertThat(helmLog.get(0)).matches("KUBECONFIG=" + kube + " install " + release + " repo1 --namespace=ci --values \\S+/values-\\d+\\.yaml"
                + " --debug --wait --timeout 90s --repo https://helm-charts.wikimedia.org/stable/ --version 1.2.3");
        assertThat(String.join("\n", helmLog)).contains("docker:\n  registry: " + registry.host() + "\n  pull_policy: IfNotPresent\n"
                + "main_app:\n  image: " + NAMESPACE + "/repo1\n  version: " + tag + "\n  replicas: 1");
        assertThat(helmLog).contains("KUBECONFIG=" + kube + " test " + release + " --namespace=ci",
                "KUBECONFIG=" + kube + " uninstall " + release + " --namespace=ci");
    }

    @Test
    void aLaterStageBuildsOnAnEarlierStagesImageThroughAnInlineBlubberfile(@TempDir Path dir) throws Exception {
        Path repo = checkout(dir);
        Files.writeString(repo.resolve(".pipeline/config.yaml"), """
                pipelines:
                  layered:
                    blubberfile: blubber.yaml
                    stages:
                      - name: built
                        build: bash
                      - name: child
                        blubberfile:
                          version: v4
                          base: '${built.imageLocalName}'
                          variants:
                            child: {entrypoint: [/bin/bash, -c, 'echo built on $0', '${built.imageID}']}
                        build: child
                        run: true
                """);
        Recorder rec = new Recorder();
        PipelineRunResult r = run(repo, List.of("layered"), JenkinsActions.COMMAND_LINE, 1, rec);
        assertThat(r.succeeded()).as(String.join("\n", rec.events)).isTrue();
        assertThat(rec.logOf("child")).contains("built on " + stage(r, "built").exports().get("imageID"));
    }
}
