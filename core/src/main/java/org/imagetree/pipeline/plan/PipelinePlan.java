package org.imagetree.pipeline.plan;

import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.read.ConfigProblem;

import java.util.List;
import java.util.Map;

/**
 * What a run of the selected pipelines will do, known before anything runs: per pipeline its blubberfile and
 * directory, the frames PipelineLib would run, and per stage whether it runs, the stages it waits for and its steps
 * evaluated as far as they can be (values only a run gives stay as their expressions). {@code stepProblems} are what
 * would make a step fail though PipelineLib's checks let the pipeline start (an image reference that can never be
 * valid, a published name outside the project's, a run of something not built by the pipeline): a plan shows them as
 * warnings, a run refuses to start. Immutable.
 */
public record PipelinePlan(String file, List<PlannedPipeline> pipelines, List<ConfigProblem> warnings, List<ConfigProblem> stepProblems) {
    public PipelinePlan {
        pipelines = List.copyOf(pipelines);
        warnings = List.copyOf(warnings);
        stepProblems = stepProblems.stream().sorted().distinct().toList();
    }

    /**
     * One pipeline. {@code blubberfile} is the path (relative to the repository) or the inline config;
     * {@code frames} are PipelineLib's {@code stack()} of the stages that run (setup and teardown left out).
     */
    public record PlannedPipeline(String name, Object blubberfile, String directory, List<List<String>> frames,
                                  List<PlannedStage> stages, Pipeline model) {
        public PlannedPipeline {
            frames = frames.stream().map(List::copyOf).toList();
            stages = List.copyOf(stages);
        }
    }

    /**
     * One stage: whether the execution graph names it (only those run), the stages it waits for (its predecessors in
     * the graph), and its steps in PipelineLib's order ({@code blubberfile} with {@code build}), each a mapping of its
     * evaluated fields.
     */
    public record PlannedStage(String name, boolean runs, List<String> after, Map<String, Object> steps, Stage model) {
        public PlannedStage {
            after = List.copyOf(after);
            steps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps));
        }
    }
}
