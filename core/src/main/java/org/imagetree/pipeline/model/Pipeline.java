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

    /** Whether the graph names {@code stage} (only those stages run). */
    public boolean runs(String stage) { return graph.nodes().contains(stage); }
}
