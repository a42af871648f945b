package org.imagetree.pipeline;

import org.imagetree.pipeline.model.PipelineConfig;
import org.imagetree.pipeline.read.ConfigProblem;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.PipelineConfigReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the reader takes from the v0 schema and ajv beyond the bad-input cases: YAML 1.2 types (js-yaml's, which ajv
 * reads with), anchors and merge keys, warnings for keys PipelineLib ignores, the file's own limits.
 */
class PipelineSchemaTest {
    @Test
    void onlyTrueAndFalseAreBooleansAsInYaml12() {
        assertThatThrownBy(() -> Configs.model("pipelines: {t: {stages: [{name: a, build: a, run: on}]}}"))
                .hasMessageContaining("run: expected a boolean or a mapping (image, arguments, env, credentials, tail), got a string ('on')");
        assertThat(Configs.model("pipelines: {t: {stages: [{name: a, build: a, run: True}]}}").pipelines().get(0).stages().get(0).run()).isPresent();
        // An env value written yes stays the string "yes" (YAML 1.1 would make it a boolean, which env refuses).
        assertThat(Configs.model("pipelines: {t: {stages: [{name: a, build: a, run: {env: {CI: yes}}}]}}").pipelines()).hasSize(1);
    }

    @Test
    void anchorsAliasesAndMergeKeys() {
        PipelineConfig c = Configs.model("""
                pipelines:
                  test:
                    stages:
                      - name: lint
                        run: {env: &env {A: '1', B: '2'}}
                        build: lint
                      - name: test
                        build: test
                        run:
                          env:
                            <<: *env
                            B: '3'
                """);
        assertThat(c.pipelines().get(0).stages().get(1).run().orElseThrow().env().toJava()).isEqualTo(Map.of("A", "1", "B", "3"));
    }

    @Test
    void keysPipelineLibIgnoresAreWarnedAbout() {
        PipelineConfig c = Configs.model("""
                version: 1
                pipelines:
                  test:
                    blubberfiel: blubber.yaml
                    stages: [{name: a}]
                """);
        assertThat(c.warnings()).containsExactly(
                new ConfigProblem(1, "unknown key 'version' (did you mean 'pipelines'?); PipelineLib ignores it, and so does Image Tree"),
                new ConfigProblem(4, "pipelines.test: unknown key 'blubberfiel' (did you mean 'blubberfile'?); PipelineLib ignores it, and so does Image Tree"));
    }

    @Test
    void pipelineNotifyIsCheckedLikeAStages() {
        assertThatThrownBy(() -> Configs.model("pipelines: {t: {notify: {mail: {to: x}}, stages: [{name: a}]}}"))
                .hasMessage(".pipeline/config.yaml:1: pipelines.t.notify: unknown key 'mail' (did you mean 'email'?)");
    }

    @Test
    void everyProblemAtOnceInLineOrder() {
        PipelineConfigException e = (PipelineConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> Configs.model("""
                pipelines:
                  test:
                    stages:
                      - name: a
                        run: {tail: x}
                      - name: b
                        copy: [{destination: y}]
                      - name: c
                        trigger: {name: job, wait: 'no'}
                """));
        assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(5, 7, 9);
    }

    @Test
    void theFileItself(@TempDir Path repo) throws Exception {
        assertThatThrownBy(() -> PipelineConfigReader.read(repo, ".pipeline/config.yaml"))
                .hasMessage(".pipeline/config.yaml: no such file in " + repo.toAbsolutePath());
        Files.createDirectories(repo.resolve(".pipeline"));
        Files.write(repo.resolve(".pipeline/config.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        assertThatThrownBy(() -> PipelineConfigReader.read(repo, ".pipeline/config.yaml")).hasMessage(".pipeline/config.yaml: is not UTF-8 text");
        Files.writeString(repo.resolve(".pipeline/config.yaml"), "pipelines: {}\n" + "#".repeat(1 << 20));
        assertThatThrownBy(() -> PipelineConfigReader.read(repo, ".pipeline/config.yaml")).hasMessageContaining("over the limit of 1048576 bytes");
        assertThatThrownBy(() -> PipelineConfigReader.read(repo, "../outside.yaml")).hasMessage("../outside.yaml: is outside the repository " + repo.toAbsolutePath());
        Path elsewhere = Files.createTempFile("config", ".yaml");
        try {
            Files.delete(repo.resolve(".pipeline/config.yaml"));
            Files.createSymbolicLink(repo.resolve(".pipeline/config.yaml"), elsewhere);
            assertThatThrownBy(() -> PipelineConfigReader.read(repo, ".pipeline/config.yaml")).hasMessageContaining("is outside the repository");
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }
}
