package org.imagetree.pipeline.plan;

import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.graph.ExecutionGraph;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineModeler;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What PipelineLib's {@code setup} stage binds ({@code PipelineStage.setup}): {@code pipeline}, {@code logURL}, the
 * job's parameters as {@code params.NAME}, {@code project}, {@code projectShortName}, {@code commit}, {@code branch},
 * {@code remote}, {@code tag}, the checkout's variables, {@code timestamp}, {@code imageLabels} and, when the engine
 * has a proxy, {@code httpProxy}. Stateless.
 */
public final class SetupBindings {
    /** PipelineLib's {@code timestampLabel()}: UTC {@code yyyy-MM-dd-HHmmss}. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss").withZone(ZoneOffset.UTC);

    private SetupBindings() {}

    /** The graph a pipeline runs: setup, then the stages' graph, then teardown ({@code Pipeline.stack()}). */
    public static ExecutionGraph fullGraph(Pipeline pipeline) {
        return ExecutionGraph.of(List.of(List.of(PipelineModeler.SETUP))).plus(pipeline.graph())
                .plus(ExecutionGraph.of(List.of(List.of(PipelineModeler.TEARDOWN))));
    }

    /** The labels every image the pipeline builds gets: the adapter's, then {@code ci.project} and {@code ci.pipeline}. */
    public static Map<String, String> imageLabels(SetupFacts facts, String pipeline) {
        Map<String, String> labels = new LinkedHashMap<>(facts.imageLabels());
        labels.put("ci.project", facts.project());
        labels.put("ci.pipeline", pipeline);
        return labels;
    }

    /** Binds the setup values in {@code setup}; {@code timestamp} is a string or, for a plan, unknown. */
    public static void bind(ExecutionContext.NodeContext setup, SetupFacts facts, String pipeline, PipelineSettings settings, Object timestamp) {
        setup.bind("stage", PipelineModeler.SETUP);
        setup.bind("pipeline", pipeline);
        setup.bind("logURL", facts.logUrl());
        facts.params().forEach((k, v) -> setup.bind("params." + k, v));
        setup.bind("project", facts.project());
        setup.bind("projectShortName", facts.projectShortName());
        setup.bind("commit", facts.commit());
        setup.bind("branch", facts.branch());
        setup.bind("remote", facts.remote());
        setup.bind("tag", facts.tag());
        facts.checkoutVariables().forEach((k, v) -> {
            if (!setup.has(k)) setup.bind(k, v);
        });
        setup.bind("timestamp", timestamp);
        setup.bind("imageLabels", imageLabels(facts, pipeline));
        settings.httpProxy().ifPresent(p -> setup.bind("httpProxy", p));
    }

    public static String timestamp(Instant now) { return TIMESTAMP.format(now); }
}
