package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.report.StageResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.imagetree.pipeline.execute.StepArguments.string;
import static org.imagetree.pipeline.execute.StepArguments.stringMap;
import static org.imagetree.pipeline.execute.StepArguments.strings;

/**
 * PipelineStage.run: a container of an image the run built, with its arguments, environment and credentials (masked in
 * every line); a non-zero exit fails the stage. Binds {@code container} and {@code output} (the last {@code tail} lines).
 */
final class RunStep {
    private RunStep() {}

    static void execute(StageRun s, Steps.Run r, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        Consumer<String> log = s.log();
        StepValues.RunValues v = StepValues.run(r, e);
        StageResult.BuiltImage image = run.made().ownImage("run.image", string("run.image", v.image()));
        List<String> args = strings("run.arguments", v.arguments());
        Map<String, String> env = new LinkedHashMap<>(stringMap("run.env", v.env()));
        List<String> secretNames = new ArrayList<>();
        if (v.credentials() instanceof List<?> creds) {
            for (Object c : creds) {
                if (!(c instanceof Map<?, ?> cm)) throw new StepFailure("run.credentials: expected {id, name}, got " + c);
                Map<String, String> given = run.services().credentials().resolve(String.valueOf(cm.get("id")), cm.get("name") == null ? null : String.valueOf(cm.get("name")));
                run.masker().add(given.values());
                env.putAll(given);
                secretNames.addAll(given.keySet());
            }
        } else if (v.credentials() != null) {
            throw new StepFailure("run.credentials: expected a list, got " + v.credentials());
        }
        String name = "plib-run-" + run.made().random8();
        run.made().addContainer(name);
        log.accept("run: " + image.localName() + " (" + image.id() + ")" + (args.isEmpty() ? "" : " " + args)
                + (env.isEmpty() ? "" : ", env " + env.keySet()) + (secretNames.isEmpty() ? "" : " (credentials: " + secretNames + ")"));
        int tail = (int) Math.min(Integer.MAX_VALUE, Math.max(0, v.tail()));
        Deque<String> last = new ArrayDeque<>();
        Consumer<String> stdout = line -> {
            String masked = run.masker().apply(line);
            log.accept(masked);
            if (tail > 0) {
                synchronized (last) {
                    last.addLast(masked);
                    if (last.size() > tail) last.removeFirst();
                }
            }
        };
        int status = run.services().backend().run(new PipelineBackend.RunSpec(name, image.localName(), args, env), stdout, log);
        if (status != 0) throw new StepFailure("run: the container exited with status " + status);
        s.node().bind("container", name);
        String output;
        synchronized (last) {
            output = tail > 0 ? String.join("\n", last) + "\n" : "";
        }
        s.node().bind("output", output);
    }
}
