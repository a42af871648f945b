package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.read.PipelineYaml;
import org.imagetree.pipeline.report.StageResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.imagetree.pipeline.execute.StepArguments.string;
import static org.imagetree.pipeline.execute.StepArguments.strings;

/**
 * PipelineStage.build: a Blubber variant built under a local name unique to the run; binds {@code imageID} and
 * {@code imageLocalName}.
 */
final class BuildStep {
    private BuildStep() {}

    static void execute(StageRun s, Steps.Build b, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        Path repository = run.repository();
        StepValues.BuildValues v = StepValues.build(run.pipeline(), s.stage(), b, e);
        Path blubber;
        String display;
        if (v.blubberfile() instanceof String file) {
            display = Path.of(".pipeline").resolve(file).normalize().toString();
            blubber = repository.resolve(display).normalize();
            if (!blubber.startsWith(repository)) throw new StepFailure("blubberfile '" + file + "' leads out of the repository");
        } else if (v.blubberfile() instanceof Map<?, ?> inline) {
            blubber = Files.createTempFile(run.workDirectory(), "blubber-" + s.stage().name().replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".yaml");
            Files.writeString(blubber, PipelineYaml.dump(inline), StandardCharsets.UTF_8);
            display = blubber.toString();
        } else {
            throw new StepFailure("blubberfile: expected a path or an inline Blubber config, got " + v.blubberfile());
        }
        String variant = string("build.variant", v.variant());
        Path context = s.inside("build.context", string("build.context", v.context()));
        List<String> excludes = v.excludes() == null ? null : strings("build.excludes", v.excludes());
        boolean pull = "always".equals(v.imagePullPolicy());
        String localName = "localhost/plib-image-" + run.made().random8();
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) run.ctx().ofNode(s.stage().name()).binding(PipelineModeler.SETUP, "imageLabels");
        s.log().accept("build: variant " + variant + " of " + display + ", context " + repository.relativize(context)
                + (excludes == null ? "" : ", excludes " + excludes) + (pull ? ", pulling bases" : ""));
        // Reserved before the build starts, so that the teardown removes the name even if the build is interrupted.
        run.made().addImage(new StageResult.BuiltImage(variant, "", localName, false));
        PipelineBackend.Built image = run.services().backend().build(new PipelineBackend.BuildSpec(blubber, display, variant, context, excludes, pull,
                labels, localName, repository, run.made().imageNames()), s.log());
        String id = image.id().startsWith("sha256:") ? image.id().substring(7) : image.id();
        StageResult.BuiltImage result = new StageResult.BuiltImage(variant, id, localName, image.buildKit());
        run.made().addImage(result);
        s.built(result);
        s.node().bind("imageID", id);
        s.node().bind("imageLocalName", localName);
        s.log().accept("build: image " + id + " (" + localName + ")");
    }
}
