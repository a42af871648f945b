package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.report.StageResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.imagetree.pipeline.execute.StepArguments.string;

/**
 * PipelineStage.publish: an image the run built, pushed to the registry under each of its tags; binds
 * {@code imageName}, {@code imageFullName}, {@code imageTag}, {@code imageTags} and {@code publishedImage}.
 */
final class PublishStep {
    private PublishStep() {}

    static void execute(StageRun s, Steps.Publish p, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        StepValues.PublishValues v = StepValues.publish(p, run.settings(), e);
        String imageName = string("publish.image.name", v.imageName());
        Optional<String> problem = StepValues.nameProblem(imageName, run.facts());
        if (problem.isPresent()) throw new StepFailure("publish: " + problem.get());
        List<String> tags = new ArrayList<>();
        for (Object t : v.imageTags()) tags.add(string("publish.image.tags", t));
        Optional<String> refProblem = StepValues.referenceProblem(imageName, tags);
        if (refProblem.isPresent()) throw new StepFailure("publish: " + refProblem.get());
        if (run.settings().registry().isEmpty()) throw new StepFailure("publish needs a registry: set 'registry' in the engine config");
        StageResult.BuiltImage image = run.made().ownImage("publish.image.id", string("publish.image.id", v.id()));
        String fullName = run.settings().qualify(imageName);
        for (String tag : tags) {
            String reference = fullName + ":" + tag;
            run.made().addPublishedTag(reference);
            s.log().accept("publish: " + reference);
            String digest = run.publishing().publish(image.localName(), image.buildKit(), reference, s.log());
            s.published(new StageResult.PublishedImage(reference, digest));
            s.log().accept("publish: " + reference + "@" + digest);
        }
        String tag = string("publish.image.tag", v.tag());
        s.node().bind("imageName", imageName);
        s.node().bind("imageFullName", fullName);
        s.node().bind("imageTag", tag);
        s.node().bind("imageTags", List.copyOf(tags));
        s.node().bind("publishedImage", fullName + ":" + tag);
    }
}
