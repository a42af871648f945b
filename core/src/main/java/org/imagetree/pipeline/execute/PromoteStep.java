package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;

import java.util.ArrayList;
import java.util.List;

import static org.imagetree.pipeline.execute.StepArguments.string;
import static org.imagetree.pipeline.execute.StepArguments.strings;

/** PipelineStage.promote: chart versions promoted in the charts checkout, in one commit naming the job and build. */
final class PromoteStep {
    private PromoteStep() {}

    static void execute(StageRun s, Steps.Promote p, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        List<ChartPromoter.Promotion> promotions = new ArrayList<>();
        for (StepValues.PromoteItem i : StepValues.promote(p, e)) {
            promotions.add(new ChartPromoter.Promotion(string("promote.chart", i.chart()), strings("promote.environments", i.environments()),
                    string("promote.version", i.version())));
        }
        String job = run.facts().imageLabels().getOrDefault("jenkins.job", "imagetree pipeline run " + run.pipeline().name());
        String build = run.facts().imageLabels().getOrDefault("jenkins.build", run.timestamp());
        run.services().charts().promote(promotions, "Job: " + job + " Build: " + build, s.log());
    }
}
