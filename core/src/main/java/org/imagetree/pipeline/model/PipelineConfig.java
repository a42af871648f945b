package org.imagetree.pipeline.model;

import org.imagetree.pipeline.read.ConfigProblem;

import java.util.List;
import java.util.Optional;

/** A whole {@code .pipeline/config.yaml}: its pipelines in the order written, and the warnings reading it gave. */
public record PipelineConfig(String file, List<Pipeline> pipelines, List<ConfigProblem> warnings) {
    public PipelineConfig {
        pipelines = List.copyOf(pipelines);
        warnings = List.copyOf(warnings);
    }

    public Optional<Pipeline> pipeline(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
