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
import java.util.Optional;

import static org.imagetree.pipeline.execute.StepArguments.string;
import static org.imagetree.pipeline.execute.StepArguments.strings;

/**
 * PipelineStage.build: a Blubber variant built under a local name unique to the run; binds {@code imageID} and
 * {@code imageLocalName}.
 */
final class BuildStep {
    private BuildStep() {}

    /**
     * What a build step builds, evaluated: the Blubber config (as written: a path or the inline object; {@code file} where
     * it is read from), variant, context, excludes, whether bases are pulled, the image's labels. Two requests are the
     * same build when their {@link #key()}s are equal (an inline config is written to a new file each time).
     */
    record Request(Object blubberfile, Path file, String display, String variant, Path context, List<String> excludes, boolean pull,
                   Map<String, String> labels) {
        List<Object> key() {
            return java.util.Arrays.asList(blubberfile, variant, context, excludes, pull, labels);
        }

        PipelineBackend.BuildSpec spec(String localName, RunScope run) {
            return new PipelineBackend.BuildSpec(file, display, variant, context, excludes, pull, labels, localName, run.repository(),
                    run.made().imageNames());
        }
    }

    /** Evaluates the build step {@code b} of {@code s}'s stage in its context; checks that what it names stays in the repository. */
    static Request request(StageRun s, Steps.Build b, StepValues.Evaluator e) throws Exception {
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
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) run.ctx().ofNode(s.stage().name()).binding(PipelineModeler.SETUP, "imageLabels");
        return new Request(v.blubberfile(), blubber, display, variant, context, excludes, pull, labels == null ? Map.of() : labels);
    }

    static void execute(StageRun s, Steps.Build b, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        Request r = request(s, b, e);
        s.log().accept("build: variant " + r.variant() + " of " + r.display() + ", context " + run.repository().relativize(r.context())
                + (r.excludes() == null ? "" : ", excludes " + r.excludes()) + (r.pull() ? ", pulling bases" : ""));
        Optional<EarlyBuilds.Built> early = run.early().take(s.stage().name(), r, s.log());
        String localName;
        PipelineBackend.Built image;
        if (early.isPresent()) {
            localName = early.get().localName();
            image = early.get().image();
        } else {
            localName = "localhost/plib-image-" + run.made().random8();
            // Reserved before the build starts, so that the teardown removes the name even if the build is interrupted.
            run.made().addImage(new StageResult.BuiltImage(r.variant(), "", localName, false));
            image = run.services().backend().build(r.spec(localName, run), s.log());
        }
        String id = image.id().startsWith("sha256:") ? image.id().substring(7) : image.id();
        StageResult.BuiltImage result = new StageResult.BuiltImage(r.variant(), id, localName, image.buildKit());
        run.made().addImage(result);
        s.built(result);
        s.node().bind("imageID", id);
        s.node().bind("imageLocalName", localName);
        s.log().accept("build: image " + id + " (" + localName + ")");
    }
}
