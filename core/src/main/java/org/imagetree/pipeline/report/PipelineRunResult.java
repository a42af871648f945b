package org.imagetree.pipeline.report;

import java.util.List;

/**
 * The outcome of a run of the selected pipelines, in the order they ran. PipelineLib runs them one after the other
 * and stops at the first that fails: those after it are {@code notRun}.
 */
public record PipelineRunResult(List<PipelineOutcome> pipelines, List<String> notRun) {
    public PipelineRunResult {
        pipelines = List.copyOf(pipelines);
        notRun = List.copyOf(notRun);
    }

    public boolean succeeded() {
        return notRun.isEmpty() && pipelines.stream().allMatch(PipelineOutcome::succeeded);
    }

    /** Every reference published, with its digest, in the order they were pushed. */
    public List<StageResult.PublishedImage> published() {
        return pipelines.stream().flatMap(p -> p.stages().stream()).flatMap(s -> s.published().stream()).toList();
    }
}
