package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.read.YamlValue;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.imagetree.pipeline.execute.StepArguments.string;

/** PipelineStage.trigger: another Jenkins job, with the stage's evaluated parameters. */
final class TriggerStep {
    private TriggerStep() {}

    static void execute(StageRun s, Steps.Trigger t) throws Exception {
        JenkinsActions jenkins = s.scope().services().jenkins();
        Map<String, String> params = new LinkedHashMap<>();
        for (YamlValue.Entry p : t.parameters()) params.put(p.key(), string("trigger.parameters." + p.key(), s.eval("trigger.parameters." + p.key(), p.value())));
        s.log().accept("trigger: " + jenkins.trigger(new JenkinsActions.Trigger(t.job(), params, t.propagate(), t.waitForCompletion())));
    }
}
