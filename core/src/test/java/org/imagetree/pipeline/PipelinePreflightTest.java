package org.imagetree.pipeline;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.pipeline.execute.EnvironmentCredentials;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.execute.PipelineBackend;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.testing.TestEnvironment;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a run checks before anything starts, with the real engine's checks (Blubber config and variant, registry
 * policy, context symlinks) and settings: every problem of every selected pipeline is reported at once, one line each,
 * and nothing is built, run or published (the backend's work fails the test if it is reached).
 */
class PipelinePreflightTest {
    @TempDir Path repo;

    /** The engine's checks, but no work: building, running or publishing fails the test. */
    static final class ChecksOnly implements PipelineBackend {
        private final PipelineBackend real;

        ChecksOnly(PipelineBackend real) { this.real = real; }

        @Override public List<String> checkBuild(BuildSpec spec) { return real.checkBuild(spec); }

        @Override public Built build(BuildSpec spec, Consumer<String> log) { throw new AssertionError("built " + spec); }

        @Override public int run(RunSpec spec, Consumer<String> stdout, Consumer<String> stderr) { throw new AssertionError("ran " + spec); }

        @Override public InputStream copyFrom(String container, String path) { throw new AssertionError("copied"); }

        @Override public String publish(String image, boolean buildKit, String reference, Consumer<String> log) { throw new AssertionError("published"); }

        @Override public void removeContainer(String name) { throw new AssertionError("removed " + name); }

        @Override public void removeImage(String reference) { throw new AssertionError("removed " + reference); }
    }

    private void write(String path, String text) throws Exception {
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), text);
    }

    private List<String> refusal(EngineConfig config, Map<String, String> credentials, Map<String, String> env) {
        ServicePipelines.Request request = new ServicePipelines.Request(repo, null, List.of(), Optional.empty(), Configs.FACTS,
                PipelineSettings.from(config), 2);
        try (DockerJavaEngine engine = new DockerJavaEngine(TestEnvironment.dockerHost())) {
            ServicePipelines.Environment environment = new ServicePipelines.Environment(
                    new ChecksOnly(ServicePipelines.dockerBackend(Optional.of(config), DockerCli.locateWithBuildKit(System.getenv()), engine)),
                    new EnvironmentCredentials(credentials, env), JenkinsActions.COMMAND_LINE, Map.of("PATH", "/usr/bin:/bin"), Clock.systemUTC());
            PipelineConfigException e = catchThrowableOfType(() -> ServicePipelines.run(request, environment, PipelineListener.NONE),
                    PipelineConfigException.class);
            assertThat(e).as("refused").isNotNull();
            return e.lines();
        }
    }

    @Test
    void everythingARunWouldStumbleOnIsReportedBeforeItStarts() throws Exception {
        write(".pipeline/blubber.yaml", """
                version: v4
                base: docker.io/library/debian:bookworm
                variants:
                  test: {}
                  production:
                    base: registry.example/bookworm:20240303
                """);
        write(".pipeline/broken/blubber.yaml", "version: v4\nbase: [not, a, string]\nvariants: {test: {}}\n");
        write("src/app/README", "the service\n");
        Files.createSymbolicLink(repo.resolve("src/app/passwd"), Path.of("/etc/passwd"));
        write(".pipeline/config.yaml", """
                pipelines:
                  main:
                    blubberfile: blubber.yaml
                    stages:
                      - name: test
                        build: test
                        run:
                          credentials: [{id: sonarid, name: SONAR_API_KEY}, {id: unknown, name: X}]
                      - name: typo
                        build: tset
                      - name: app
                        build: {variant: production, context: src/app}
                        publish: {image: true}
                      - name: deployed
                        deploy: {chart: {name: svc}, image: '${app.imageName}', tag: '${app.imageTag}'}
                      - name: promoted
                        publish: {image: {id: '${app.imageID}'}}
                        promote: [{chart: svc}]
                  broken:
                    directory: src/missing
                    stages:
                      - {name: test}
                """);
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", "registry.example", "namespace", "svc"));
        List<String> lines = refusal(config, Map.of("sonarid", "SONAR_TOKEN"), Map.of("SONAR_TOKEN", "short"));
        assertThat(lines).containsExactly(
                ".pipeline/config.yaml:6: stage 'test' of pipeline 'main': build: .pipeline/blubber.yaml:2: image 'docker.io/library/debian:bookworm'"
                        + " is not from an allowed registry: it resolves to 'docker.io/library/debian:bookworm' (registry 'docker.io'); allowed: registry.example",
                ".pipeline/config.yaml:6: stage 'test' of pipeline 'main': build: src/app/passwd: symlink points outside the build context (-> /etc/passwd)",
                ".pipeline/config.yaml:7: stage 'test' of pipeline 'main': run.credentials: credential 'sonarid' (from SONAR_TOKEN) is shorter than 8"
                        + " characters: too short to be masked in logs without garbling them; use a longer one",
                ".pipeline/config.yaml:7: stage 'test' of pipeline 'main': run.credentials: Invalid Credential: 'unknown'. Allowed credentials: [sonarid]"
                        + " (map it to an environment variable with --credential unknown=VARIABLE or pipeline.credentials in the engine config)",
                ".pipeline/config.yaml:10: stage 'typo' of pipeline 'main': build: .pipeline/blubber.yaml: processing includes for variant 'tset': There"
                        + " is no key 'tset' in the dependency graph (existing variants: production, test)",
                ".pipeline/config.yaml:15: stage 'deployed' of pipeline 'main': deploy needs helm: set pipeline.helm (the helm executable) in the engine config",
                ".pipeline/config.yaml:18: stage 'promoted' of pipeline 'main': promote needs a deployment-charts checkout: set pipeline.charts_checkout in the engine config",
                ".pipeline/config.yaml:19: pipeline 'broken': the directory 'src/missing' does not exist in " + repo.toAbsolutePath(),
                ".pipeline/config.yaml:22: stage 'test' of pipeline 'broken': build: .pipeline/broken/blubber.yaml:2: base: cannot unmarshal array into a value of type string");
    }

    @Test
    void publishNeedsARegistryAndDeployACluster() throws Exception {
        write(".pipeline/config.yaml", """
                pipelines:
                  p:
                    stages:
                      - {name: candidate, build: production, publish: {image: true}}
                      - name: staging
                        deploy: {chart: {name: svc}, image: '${candidate.imageName}', tag: '${candidate.imageTag}'}
                """);
        write(".pipeline/p/blubber.yaml", "version: v4\nbase: registry.example/bookworm:1\nvariants: {production: {}}\n");
        Path helm = Files.writeString(repo.resolve("helm"), "#!/bin/sh\nexit 0\n");
        helm.toFile().setExecutable(true);
        EngineConfig config = ConfigLoader.fromMap(Map.of("pipeline", Map.of("helm", helm.toString())));
        assertThat(refusal(config, Map.of(), Map.of())).containsExactly(
                ".pipeline/config.yaml:4: stage 'candidate' of pipeline 'p': publish needs a registry: set 'registry' in the engine config (-c)",
                ".pipeline/config.yaml:6: stage 'staging' of pipeline 'p': deploy needs a cluster: set pipeline.kube_config (KUBECONFIG for helm) in the engine config");
    }
}
