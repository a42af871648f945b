package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;

/** PipelineStage.deploy: a helm release (tested when asked), uninstalled by the teardown; binds {@code releaseName}. */
final class DeployStep {
    private DeployStep() {}

    static void execute(StageRun s, Steps.Deploy d, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        StepValues.DeployValues v = StepValues.deploy(d, run.settings(), e);
        String release = run.services().helm().deploy(v, s.log());
        run.made().addRelease(release);
        s.node().bind("releaseName", release);
        if (v.test()) run.services().helm().test(release, s.log());
    }
}
