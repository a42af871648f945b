package org.imagetree.pipeline;

import org.imagetree.pipeline.model.PipelineConfig;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelinePlanner;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.read.PipelineConfigReader;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Configs from text for the pipeline tests: read, model, plan with fixed setup facts. */
final class Configs {
    static final String FILE = ".pipeline/config.yaml";
    static final SetupFacts FACTS = new SetupFacts("foo-project", "0123456789abcdef0123456789abcdef01234567", "main",
            "https://gerrit.example.org/r/foo-project", "", "https://jenkins.example.org/job/foo/1/console", Map.of(),
            SetupFacts.gitVariables("0123456789abcdef0123456789abcdef01234567", "main", "https://gerrit.example.org/r/foo-project"), Map.of());
    static final PipelineSettings SETTINGS = new PipelineSettings("registry.example", "bar", Optional.empty(), Optional.of("/usr/bin/helm3"),
            Optional.of("/etc/kubernetes/ci.config"), "ci", "https://helm-charts.wikimedia.org/stable/", 120, "IfNotPresent", Optional.empty(),
            List.of("staging", "codfw", "eqiad"), List.of(), "PipelineBot", "bot@example.org", Map.of());

    private Configs() {}

    static PipelineConfig model(String yaml) {
        return PipelineModeler.model(PipelineConfigReader.parse(FILE, yaml));
    }

    static PipelinePlan plan(String yaml, String... pipelines) {
        return PipelinePlanner.plan(model(yaml), new PipelinePlanner.Request(List.of(pipelines), Optional.empty(), FACTS, SETTINGS));
    }

    static PipelinePlan plan(String yaml, Set<String> allowedActions, String... pipelines) {
        return PipelinePlanner.plan(model(yaml), new PipelinePlanner.Request(List.of(pipelines), Optional.of(allowedActions), FACTS, SETTINGS));
    }
}
