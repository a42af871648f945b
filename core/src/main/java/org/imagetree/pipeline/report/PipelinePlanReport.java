package org.imagetree.pipeline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.expr.Unresolved;
import org.imagetree.pipeline.plan.PipelinePlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PipelinePlan} for people and scripts: text, JSON ({@code {"pipelines": [{"name", "blubberfile",
 * "directory", "stages": [{"name", "runs", "after", "steps"}]}]}}, the shape scripts rely on; values only a run gives
 * are their expressions, e.g. {@code "${.imageID}"}) and a Mermaid flowchart. Stateless.
 */
public final class PipelinePlanReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PipelinePlanReport() {}

    public static String json(PipelinePlan plan) {
        List<Object> pipelines = new ArrayList<>();
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("blubberfile", plain(p.blubberfile()));
            pm.put("directory", p.directory());
            List<Object> stages = new ArrayList<>();
            for (PipelinePlan.PlannedStage s : p.stages()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", s.name());
                sm.put("runs", s.runs());
                sm.put("after", s.after());
                sm.put("steps", plain(s.steps()));
                stages.add(sm);
            }
            pm.put("stages", stages);
            pipelines.add(pm);
        }
        try {
            return JSON.writeValueAsString(Map.of("pipelines", pipelines)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plain JSON values: what is not known yet as its expression. */
    public static Object plain(Object v) {
        if (v instanceof Unresolved u) return plain(u.shape());
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), plain(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object i : l) out.add(plain(i));
            return out;
        }
        return v;
    }

    /**
     * One block per pipeline: its blubberfile and directory, the frames in the order they run (stages of a frame run in
     * parallel), then per stage what it waits for and a line per step.
     */
    public static String text(PipelinePlan plan) {
        StringBuilder b = new StringBuilder();
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            if (b.length() > 0) b.append('\n');
            b.append("pipeline ").append(p.name()).append('\n');
            b.append("  blubberfile: ").append(brief(plain(p.blubberfile()))).append('\n');
            b.append("  directory:   ").append(p.directory()).append('\n');
            List<String> frames = new ArrayList<>();
            for (List<String> f : p.frames()) frames.add(f.size() == 1 ? f.get(0) : "[" + String.join(" | ", f) + "]");
            b.append("  order:       ").append(frames.isEmpty() ? "(nothing runs)" : String.join(" -> ", frames)).append('\n');
            for (PipelinePlan.PlannedStage s : p.stages()) {
                b.append("  stage ").append(s.name());
                if (!s.runs()) b.append(" (not in the execution graph: does not run)");
                else if (!s.after().isEmpty()) b.append(" (after ").append(String.join(", ", s.after())).append(')');
                b.append('\n');
                if (!s.runs()) continue;
                if (s.steps().isEmpty()) b.append("    (no steps)\n");
                for (Map.Entry<String, Object> step : s.steps().entrySet()) {
                    b.append("    ").append(step.getKey()).append(": ").append(summary(step.getKey(), plain(step.getValue()))).append('\n');
                }
            }
        }
        for (var w : plan.warnings()) b.append("warning: ").append(w.format(plan.file())).append('\n');
        for (var w : plan.stepProblems()) b.append("warning: ").append(w.format(plan.file())).append(" (a run refuses to start)\n");
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String summary(String step, Object v) {
        Map<String, Object> m = v instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
        switch (step) {
            case "build":
                return "variant " + brief(m.get("variant")) + " of " + brief(m.get("blubberfile")) + ", context " + brief(m.get("context"))
                        + (m.containsKey("excludes") ? ", excludes " + brief(m.get("excludes")) : "")
                        + ("always".equals(m.get("imagePullPolicy")) ? ", pulling bases" : "");
            case "run":
                return brief(m.get("image")) + (m.get("arguments") instanceof List<?> l && l.isEmpty() ? "" : " " + brief(m.get("arguments")))
                        + (m.get("env") instanceof Map<?, ?> e && !e.isEmpty() ? ", env " + String.join(", ", ((Map<String, Object>) e).keySet()) : "")
                        + (m.get("credentials") instanceof List<?> c && !c.isEmpty() ? ", credentials " + brief(c) : "")
                        + (m.get("tail") instanceof Number n && n.longValue() > 0 ? ", output: last " + n + " lines" : "");
            case "publish": {
                Map<String, Object> image = (Map<String, Object>) m.getOrDefault("image", Map.of());
                return String.join(", ", ((List<Object>) image.getOrDefault("references", List.of())).stream().map(PipelinePlanReport::brief).toList())
                        + " (image " + brief(image.get("id")) + ")";
            }
            case "deploy":
                return String.join("; ", ((List<Object>) m.getOrDefault("commands", List.of())).stream().map(String::valueOf).toList());
            case "trigger":
                return "job " + m.get("name") + " " + brief(m.get("parameters")) + (Boolean.TRUE.equals(m.get("wait")) ? ", waits" : "")
                        + (Boolean.FALSE.equals(m.get("propagate")) ? ", result not propagated" : "");
            default:
                return brief(v);
        }
    }

    private static String brief(Object v) {
        if (v instanceof String s) return s.isEmpty() ? "\"\"" : s;
        if (v == null) return "(none)";
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                return new ObjectMapper().writeValueAsString(v);
            } catch (JsonProcessingException e) {
                return Interpolator.text(v);
            }
        }
        return Interpolator.text(v);
    }

    /** A Mermaid flowchart: a subgraph per pipeline, an edge per graph edge; stages that do not run are dashed. */
    public static String mermaid(PipelinePlan plan) {
        StringBuilder b = new StringBuilder("flowchart LR\n");
        int p = 0;
        for (PipelinePlan.PlannedPipeline pp : plan.pipelines()) {
            String prefix = "p" + p++ + "_";
            b.append("  subgraph ").append(prefix).append("pipeline[\"").append(label(pp.name())).append("\"]\n");
            Map<String, String> ids = new LinkedHashMap<>();
            int i = 0;
            for (PipelinePlan.PlannedStage s : pp.stages()) ids.put(s.name(), prefix + "s" + i++);
            for (PipelinePlan.PlannedStage s : pp.stages()) {
                List<String> steps = new ArrayList<>(s.steps().keySet());
                b.append("    ").append(ids.get(s.name())).append("[\"").append(label(s.name()));
                if (!steps.isEmpty()) b.append("<br/><small>").append(label(String.join(" · ", steps))).append("</small>");
                b.append("\"]\n");
            }
            for (PipelinePlan.PlannedStage s : pp.stages()) {
                for (String a : s.after()) {
                    if (ids.containsKey(a)) b.append("    ").append(ids.get(a)).append(" --> ").append(ids.get(s.name())).append('\n');
                }
            }
            for (PipelinePlan.PlannedStage s : pp.stages()) {
                if (!s.runs()) b.append("    style ").append(ids.get(s.name())).append(" stroke-dasharray: 5 5\n");
            }
            b.append("  end\n");
        }
        return b.toString();
    }

    private static String label(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
