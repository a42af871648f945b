package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.StageResult;

import java.util.List;

/**
 * What a run tells as it goes: the CLI prints it, the Jenkins step writes it to the build log and the build page.
 * Called from the threads stages run on (several at once): implementations must be thread-safe. Lines never hold a
 * secret (a credential's value is masked before any line is passed on).
 */
public interface PipelineListener {
    /** A pipeline starts: its setup timestamp and the frames it will run. */
    default void pipelineStarted(String pipeline, String timestamp, List<List<String>> frames) {}

    default void stageStarted(String pipeline, String stage) {}

    /** A line of a stage's work: a step starting, build or container output, a push. */
    default void log(String pipeline, String stage, String line) {}

    default void stageFinished(StageResult result) {}

    default void pipelineFinished(PipelineOutcome outcome) {}

    /** A listener that ignores everything. */
    PipelineListener NONE = new PipelineListener() {};
}
