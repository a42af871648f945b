package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code imagetree pipeline plan|run}, in process, on PipelineLib's system-test repository (re-expressed). */
class PipelineCliTest {
    @TempDir Path dir;

    /** The repo1 fixture as a Git checkout whose bases are {@code base}. */
    static Path repo1(Path dir, String base) throws Exception {
        Path fixture = TestEnvironment.repo().resolve("core/src/test/resources/org/imagetree/pipeline/repo1");
        TestEnvironment.copyTree(fixture, dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("blubber.yaml")) Files.writeString(f, Files.readString(f).replace("@BASE@", base));
                if (f.getFileName().toString().endsWith(".sh")) f.toFile().setExecutable(true, false);
            }
        }
        TestEnvironment.run(Map.of(), "git", "-C", dir.toString(), "init", "-q", "-b", "main");
        TestEnvironment.run(Map.of(), "git", "-C", dir.toString(), "remote", "add", "origin", "https://gerrit.example.org/r/repo1");
        TestEnvironment.run(Map.of(), "git", "-C", dir.toString(), "add", "-A");
        TestEnvironment.run(Map.of(), "git", "-C", dir.toString(), "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "repo1");
        return dir;
    }

    @Test
    void planJsonHasTheShapeScriptsRelyOn() throws Exception {
        Path repo = repo1(dir.resolve("repo"), "registry.example/bookworm:20240303");
        CliRun r = CliRun.of("pipeline", "plan", "--format", "json", "--pipeline", "service1",
                "--pipeline", "test-list-comprehensions", repo.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(fields(root)).containsExactly("pipelines");
        JsonNode service1 = root.get("pipelines").get(0);
        assertThat(fields(service1)).containsExactly("name", "blubberfile", "directory", "stages");
        assertThat(service1.get("name").asText()).isEqualTo("service1");
        assertThat(service1.get("blubberfile").asText()).isEqualTo(".pipeline/service1/blubber.yaml");
        assertThat(service1.get("directory").asText()).isEqualTo("src/service1");
        JsonNode candidate = service1.get("stages").get(2);
        assertThat(fields(candidate)).containsExactly("name", "runs", "after", "steps");
        assertThat(candidate.get("name").asText()).isEqualTo("candidate");
        assertThat(candidate.get("runs").asBoolean()).isTrue();
        assertThat(candidate.get("after").toString()).isEqualTo("[\"unit\",\"lint\"]");
        assertThat(candidate.get("steps").get("build").get("variant").asText()).isEqualTo("production");
        assertThat(candidate.get("steps").get("build").get("context").asText()).isEqualTo("src/service1");
        assertThat(candidate.get("steps").get("publish").get("image").get("tag").asText()).isEqualTo("${setup.timestamp}-candidate");
        assertThat(candidate.get("steps").get("publish").get("image").get("name").asText()).isEqualTo("repo1");
        assertThat(service1.get("stages").get(1).get("steps").get("run").get("image").asText()).isEqualTo("${.imageID}");
        JsonNode square = root.get("pipelines").get(1).get("stages").get(1);
        assertThat(square.get("steps").get("run").get("arguments").toString())
                .isEqualTo("{\"$each\":\"number\",\"$in\":\"${sequence.output}\",\"$yield\":\"${.number}*${.number}\"}");
    }

    @Test
    void planTextAndMermaid() throws Exception {
        Path repo = repo1(dir.resolve("repo"), "registry.example/bookworm:20240303");
        CliRun text = CliRun.of("pipeline", "plan", "--pipeline", "service1", repo.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("pipeline service1", "order:       [unit | lint] -> candidate", "stage candidate (after unit, lint)",
                "build: variant production of .pipeline/service1/blubber.yaml, context src/service1, pulling bases",
                "publish: repo1:${setup.timestamp}-candidate (image ${.imageID})");
        CliRun mermaid = CliRun.of("pipeline", "plan", "--format", "mermaid", "--pipeline", "service1", repo.toString());
        assertThat(mermaid.out()).startsWith("flowchart LR\n").contains("p0_s0 --> p0_s2", "p0_s1 --> p0_s2");
    }

    @Test
    void badConfigGivesOneErrorLinePerProblemAndExit2() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("bad/.pipeline")).getParent();
        Files.writeString(repo.resolve(".pipeline/config.yaml"), """
                pipelines:
                  test:
                    stages:
                      - name: unit
                        run: {tail: ten}
                      - name: lint
                        exports: {x: '${unit.imageID}'}
                    execution: [[unit], [lint]]
                """);
        CliRun r = CliRun.of("pipeline", "plan", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: .pipeline/config.yaml:5: pipelines.test.stages[0].run.tail: expected an integer, got a string ('ten')\n");
        Files.writeString(repo.resolve(".pipeline/config.yaml"), Files.readString(repo.resolve(".pipeline/config.yaml")).replace("ten", "1"));
        r = CliRun.of("pipeline", "run", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                "error: .pipeline/config.yaml:5: stage 'unit' of pipeline 'test': run.image: no value bound for 'unit.imageID' (bound: stage) (the default '${.imageID}')",
                "error: .pipeline/config.yaml:7: stage 'lint' of pipeline 'test': exports.x: cannot access 'unit.*' values since 'lint' does not follow it in the graph");
        assertThat(CliRun.of("pipeline", "plan", dir.resolve("nowhere").toString()).err()).contains("no such directory");
    }

    @Test
    void triggerNeedsJenkinsOnTheCommandLine() throws Exception {
        Path repo = repo1(dir.resolve("repo"), "registry.example/bookworm:20240303");
        CliRun r = CliRun.of("pipeline", "run", "--pipeline", "service2", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: .pipeline/config.yaml:25: stage 'test' of pipeline 'service2': trigger needs Jenkins: the command line "
                + "cannot schedule job 'totally-triggered' (run this pipeline with the servicePipeline step)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @Tag("docker")
    void runBuildsRunsAndPublishesWithCredentialsMasked() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            String base = TestEnvironment.publishBaseImage(registry.host());
            Path repo = repo1(dir.resolve("repo"), base);
            Files.writeString(repo.resolve(".pipeline/config.yaml"), Files.readString(repo.resolve(".pipeline/config.yaml")) + """
                      with-credentials:
                        blubberfile: blubber.yaml
                        stages:
                          - name: uses-secret
                            build: bash
                            run:
                              arguments: ['echo "the key is $SONAR_API_KEY"']
                              credentials: [{id: sonarid, name: SONAR_API_KEY}]
                              tail: 1
                    """);
            String ns = "cli-" + UUID.randomUUID().toString().substring(0, 8);
            Path config = Files.writeString(dir.resolve("config.yaml"), "registry: " + registry.host() + "\nnamespace: " + ns + "\n");
            CliRun r = CliRun.of(Map.of("SONAR_TOKEN", "s3cr3t-value-42"), "-c", config.toString(), "pipeline", "run", "--jobs", "2",
                    "--pipeline", "service1", "--pipeline", "with-credentials", "--credential", "sonarid=SONAR_TOKEN", repo.toString());
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.all()).doesNotContain("s3cr3t-value-42").contains("the key is ****");
            assertThat(r.out()).contains("pipeline service1: succeeded", "pipeline with-credentials: succeeded",
                    "[service1/unit] service1 unit tests", "published " + registry.host() + "/" + ns + "/repo1:");
            assertThat(r.out()).containsPattern("published \\S+/repo1:\\d{4}-\\d\\d-\\d\\d-\\d{6}-candidate@sha256:[0-9a-f]{64}");
            // An id that is not mapped to a variable is refused before anything runs.
            CliRun refused = CliRun.of(Map.of(), "-c", config.toString(), "pipeline", "run", "--pipeline", "with-credentials", repo.toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("run.credentials: Invalid Credential: 'sonarid'. Allowed credentials: []");
        }
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
