package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.StepValues;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.imagetree.pipeline.execute.StepArguments.string;

/**
 * PipelineStage.copy: files out of a container the run ran into the pipeline's directory, archived through Jenkins
 * when asked; binds {@code artifactURLs}.
 */
final class CopyStep {
    private CopyStep() {}

    static void execute(StageRun s, Steps.Copy c, StepValues.Evaluator e) throws Exception {
        RunScope run = s.scope();
        Path repository = run.repository();
        List<String> urls = new ArrayList<>();
        for (StepValues.CopyItem item : StepValues.copy(c, e)) {
            String from = string("copy.from", item.from());
            if (!run.made().ranContainer(from)) throw new StepFailure("copy.from: '" + from + "' is not a container this pipeline ran");
            String source = string("copy.source", item.source());
            String dest = string("copy.destination", item.destination());
            String relative = StepValues.destination(dest).orElseThrow(() -> new StepFailure("copy: destination '" + dest + "' leads out of the pipeline's directory"));
            Path target = s.inside("copy.destination", relative);
            String asked = source.endsWith("/") ? source + "." : source;
            s.log().accept("copy: " + from + ":" + asked + " -> " + repository.relativize(target));
            try (InputStream tar = run.services().backend().copyFrom(from, asked)) {
                ContainerCopy.extract(tar, asked, target, relative.endsWith("/"), repository);
            }
            String url = "";
            if (item.archive()) url = archive(run, target, s.log());
            urls.add(url);
        }
        s.node().bind("artifactURLs", String.join("\n", urls));
    }

    private static String archive(RunScope run, Path target, Consumer<String> log) throws IOException, InterruptedException {
        Path repository = run.repository();
        if (!run.services().jenkins().archives()) {
            log.accept("copy: archive needs Jenkins: " + repository.relativize(target) + " is kept in the working directory, not archived");
            return "";
        }
        Path artifact = target;
        if (Files.isDirectory(target)) {
            artifact = target.resolveSibling(target.getFileName() + ".tar.gz");
            Processes.Result r = Processes.run(List.of("tar", "zcf", artifact.toString(), "-C", target.toString(), "."),
                    Processes.base(System.getenv()), repository, log, Duration.ofMinutes(10));
            if (r.exitCode() != 0) throw new IOException("tar of " + target + " failed (exit " + r.exitCode() + ")");
        }
        return run.services().jenkins().archive(repository, repository.relativize(artifact).toString()).orElse("");
    }
}
