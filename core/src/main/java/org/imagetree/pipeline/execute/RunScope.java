package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupFacts;

import java.nio.file.Path;

/**
 * What one pipeline's run gives each of its stages: the services the steps run on, the run's settings and facts, its
 * execution context, and what the run has made so far (which its teardown removes).
 *
 * @param repository    the repository root, absolute and normalised
 * @param workDirectory private to the run: inline blubberfiles, prepared contexts, helm values
 * @param directory     the pipeline's directory in the repository
 * @param timestamp     the run's timestamp, as PipelineLib's {@code setup.timestamp}
 * @param publishing    the run's pushes (one publisher; images made ready ahead of their push)
 * @param early         the builds started with the run ({@link EarlyBuilds})
 */
record RunScope(PipelineExecutor.Services services, PipelineSettings settings, SetupFacts facts, Path repository, Path workDirectory,
                PipelineListener listener, Pipeline pipeline, ExecutionContext ctx, String timestamp, Path directory, Masker masker,
                RunResources made, PipelineBackend.RunPublishing publishing, EarlyBuilds early) {}
