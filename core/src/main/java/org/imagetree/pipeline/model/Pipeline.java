package org.imagetree.pipeline.model;

import org.imagetree.pipeline.graph.ExecutionGraph;
import org.imagetree.pipeline.read.ConfigProblem;
import org.imagetree.pipeline.read.YamlValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline after PipelineLib's defaults ({@code Pipeline.groovy}): {@code blubberfile} (default
 * {@code <name>/blubber.yaml}, relative to {@code .pipeline/}, or an inline config), {@code directory} (default
 * {@code .}), the {@code fetch} options, the pipeline-wide {@code notify}, the execution arcs (default: one arc through
 * every stage in order) and their graph, the stages in the order written, and the problems PipelineLib's
 * {@code Pipeline.validate} and graph would find (reserved names, stages named twice or not defined, cycles), which
 * make the pipeline refused when it is selected.
 */
public record Pipeline(String name, int line, YamlValue blubberfile, String directory, Map<String, Object> fetch,
                       Optional<YamlValue.Mapping> notification, List<List<String>> execution, boolean executionGiven,
                       int executionLine, ExecutionGraph graph, List<Stage> stages, List<ConfigProblem> problems) {
    public Pipeline {
        problems = List.copyOf(problems);
        fetch = Map.copyOf(fetch);
        execution = execution.stream().map(List::copyOf).toList();
        stages = List.copyOf(stages);
    }

    public Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The Jenkins node labels the pipeline needs ({@code Pipeline.getRequiredNodeLabels}): {@code pipelinelib}, plus
     * {@code pipelinelib-build} for a stage that builds, runs or copies, {@code pipelinelib-publish} for one that
     * publishes an image, {@code pipelinelib-promote} for one that promotes (stages the graph names only).
     */
    public java.util.Set<String> requiredNodeLabels() {
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        labels.add("pipelinelib");
        for (Stage s : stages) {
            if (!runs(s.name())) continue;
            if (s.build().isPresent() || s.run().isPresent() || s.copy().isPresent()) labels.add("pipelinelib-build");
            if (s.publish().isPresent()) labels.add("pipelinelib-publish");
            if (s.promote().isPresent()) labels.add("pipelinelib-promote");
        }
        return java.util.Collections.unmodifiableSet(labels);
    }

    /** Whether the graph names {@code stage} (only those stages run). */
    public boolean runs(String stage) { return graph.nodes().contains(stage); }
}
