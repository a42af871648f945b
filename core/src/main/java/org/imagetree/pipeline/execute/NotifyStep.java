package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;

import java.util.List;
import java.util.Optional;

/**
 * PipelineStage.notify, sent when a stage fails: the merged notify config, evaluated now, sent through Jenkins. A
 * failure to send is logged; it does not change the stage's result.
 */
final class NotifyStep {
    private NotifyStep() {}

    static void execute(StageRun s) {
        Optional<Steps.Email> mail = StepValues.email(s.scope().pipeline(), s.stage());
        if (mail.isEmpty()) return;
        try {
            Steps.Email m = mail.get();
            Object to = s.eval("notify.email.to", m.to());
            List<String> recipients = to instanceof List<?> l ? l.stream().map(Interpolator::text).toList() : List.of(Interpolator.text(to));
            s.log().accept("notify: " + s.scope().services().jenkins().notify(new JenkinsActions.Email(recipients,
                    Interpolator.text(s.eval("notify.email.subject", m.subject())), Interpolator.text(s.eval("notify.email.body", m.body())))));
        } catch (RuntimeException ex) {
            s.log().accept("notify: cannot send: " + ex.getMessage());
        }
    }
}
