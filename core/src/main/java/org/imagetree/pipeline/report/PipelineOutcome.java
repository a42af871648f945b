package org.imagetree.pipeline.report;

import java.util.List;

/**
 * One pipeline's run: its name, the timestamp its setup took ({@code ${setup.timestamp}}), each stage's result in the
 * order the config writes them, and the problems its teardown met (a container or release it could not remove).
 */
public record PipelineOutcome(String name, String timestamp, List<StageResult> stages, List<String> teardownProblems) {
    public PipelineOutcome {
        stages = List.copyOf(stages);
        teardownProblems = List.copyOf(teardownProblems);
    }

    /** Every stage that ran succeeded (stages outside the graph do not count). */
    public boolean succeeded() {
        return stages.stream().allMatch(s -> s.status() == StageStatus.SUCCEEDED || s.status() == StageStatus.NOT_RUN);
    }
}
