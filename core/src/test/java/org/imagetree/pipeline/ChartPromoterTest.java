package org.imagetree.pipeline;

import org.imagetree.pipeline.execute.ChartPromoter;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code promote} on a real Git checkout of a deployment-charts layout: what {@code update_version.py} writes (comments
 * and layout kept), one commit per chart with PipelineLib's message on a branch of its own, the review command run on
 * it, the checkout back where it was.
 */
class ChartPromoterTest {
    @TempDir Path charts;

    private String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", charts.toString()));
        cmd.addAll(List.of(args));
        return TestEnvironment.run(Map.of(), cmd.toArray(String[]::new)).strip();
    }

    private void write(String path, String text) throws Exception {
        Files.createDirectories(charts.resolve(path).getParent());
        Files.writeString(charts.resolve(path), text);
    }

    private ChartPromoter promoter(List<String> review) {
        PipelineSettings s = PipelineSettings.none();
        s = new PipelineSettings(s.registry(), s.namespace(), s.httpProxy(), s.helm(), s.kubeConfig(), s.helmNamespace(), s.chartRepository(),
                s.helmTimeout(), s.pullPolicy(), Optional.of(charts), s.chartEnvironments(), review, "PipelineBot", "bot@example.org", Map.of());
        return new ChartPromoter(s, System.getenv());
    }

    private void checkout() throws Exception {
        write("helmfile.d/services/svc/values.yaml", """
                # Values of svc, for every environment.
                resources:
                  replicas: 2
                main_app:
                  image: wikimedia/svc
                  version: 2020-01-01-000000-production  # the promoted image
                  requests: {cpu: 1}
                """);
        write("helmfile.d/services/svc/values-staging.yaml", "main_app:\n  version: 2019-12-31-000000-production\n");
        write("helmfile.d/services/svc/values-codfw.yaml", "# codfw\nmain_app:\n  version: old\n  limits: {cpu: 2}\n");
        write("helmfile.d/services/staging/legacy/values.yaml", "main_app:\n  version: old\n");
        git("init", "-q", "-b", "master");
        git("add", "-A");
        git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "charts");
    }

    @Test
    void everyEnvironmentSetsTheDefaultValuesAndDropsTheOverrides() throws Exception {
        checkout();
        Path review = charts.resolveSibling(charts.getFileName() + "-review.log");
        List<ChartPromoter.Commit> commits = promoter(List.of("/bin/sh", "-c", "git rev-parse --abbrev-ref HEAD >> " + review + "; git log -1 --format=%B >> " + review))
                .promote(List.of(new ChartPromoter.Promotion("svc", List.of(), "2026-03-11-090807-production")), "Job: svc-pipeline Build: 42", line -> {});
        assertThat(commits).hasSize(1);
        ChartPromoter.Commit c = commits.get(0);
        assertThat(git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("master");
        assertThat(git("status", "--porcelain")).isEmpty();
        assertThat(git("log", "-1", "--format=%an <%ae>%n%B", c.branch())).isEqualTo("""
                PipelineBot <bot@example.org>
                svc: pipeline bot promote

                Promote svc to version 2026-03-11-090807-production

                Job: svc-pipeline Build: 42""");
        assertThat(git("show", c.branch() + ":helmfile.d/services/svc/values.yaml")).isEqualTo("""
                # Values of svc, for every environment.
                resources:
                  replicas: 2
                main_app:
                  image: wikimedia/svc
                  version: 2026-03-11-090807-production  # the promoted image
                  requests: {cpu: 1}""");
        assertThat(git("ls-tree", "--name-only", c.branch(), "helmfile.d/services/svc/")).doesNotContain("values-staging.yaml");
        assertThat(git("show", c.branch() + ":helmfile.d/services/svc/values-codfw.yaml")).isEqualTo("# codfw\nmain_app:\n  limits: {cpu: 2}");
        assertThat(Files.readString(review)).startsWith(c.branch() + "\nsvc: pipeline bot promote");
        assertThat(git("show", "master:helmfile.d/services/svc/values.yaml")).contains("version: 2020-01-01-000000-production");
    }

    @Test
    void someEnvironmentsSetTheirOwnValuesTheOldLayoutItsDirectories() throws Exception {
        checkout();
        List<ChartPromoter.Commit> commits = promoter(List.of()).promote(List.of(
                new ChartPromoter.Promotion("svc", List.of("staging", "eqiad"), "v2"),
                new ChartPromoter.Promotion("legacy", List.of("staging"), "v3")), "Job: x Build: 1", line -> {});
        assertThat(commits).hasSize(2);
        assertThat(git("show", commits.get(0).branch() + ":helmfile.d/services/svc/values-staging.yaml")).isEqualTo("main_app:\n  version: v2");
        assertThat(git("show", commits.get(0).branch() + ":helmfile.d/services/svc/values-eqiad.yaml")).isEqualTo("main_app:\n  version: v2");
        assertThat(git("show", commits.get(0).branch() + ":helmfile.d/services/svc/values.yaml")).contains("version: 2020-01-01-000000-production");
        assertThat(git("show", commits.get(1).branch() + ":helmfile.d/services/staging/legacy/values.yaml")).isEqualTo("main_app:\n  version: v3");
        assertThat(git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("master");
    }

    @Test
    void refusals() throws Exception {
        checkout();
        assertThatThrownBy(() -> promoter(List.of()).promote(List.of(new ChartPromoter.Promotion("svc", List.of("moon"), "v2")), "", l -> {}))
                .hasMessageContaining("environment 'moon' is not one of [staging, codfw, eqiad]");
        assertThatThrownBy(() -> promoter(List.of()).promote(List.of(new ChartPromoter.Promotion("../etc", List.of(), "v2")), "", l -> {}))
                .hasMessageContaining("is not a chart name");
        assertThatThrownBy(() -> promoter(List.of("false")).promote(List.of(new ChartPromoter.Promotion("svc", List.of(), "v2")), "", l -> {}))
                .hasMessageContaining("the review command [false] failed (exit 1)");
        assertThat(git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("master");
        assertThat(git("status", "--porcelain")).isEmpty();
        write("helmfile.d/services/svc/values.yaml", "dirty\n");
        assertThatThrownBy(() -> promoter(List.of()).promote(List.of(new ChartPromoter.Promotion("svc", List.of(), "v2")), "", l -> {}))
                .hasMessageContaining("has uncommitted changes");
    }
}
