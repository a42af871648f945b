package org.imagetree.pipeline.report;

/** How a stage ended. */
public enum StageStatus {
    /** Every step did what it should. */
    SUCCEEDED,
    /** A step failed; {@link StageResult#reason()} says which and why. */
    FAILED,
    /** Not started: a stage it waits for failed or was skipped, or the run was stopped. */
    SKIPPED,
    /** Not in the execution graph: PipelineLib runs only the stages the graph names. */
    NOT_RUN
}
