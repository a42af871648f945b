package org.imagetree.cli;

import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.report.PlanReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code render}: every rendered Dockerfile; the JSON has docker-pkg's conformance shape. */
@Command(name = "render", description = "Render every Dockerfile.template with the whole tree known.")
final class RenderCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @ArgGroup(exclusive = true) TagModeOptions tagMode;
    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (json: docker-pkg's shape; default: ${DEFAULT-VALUE}).")
    Formats.Text format;
    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.") Path directory;

    @Override
    public Integer call() {
        LoadedTree loaded = root.offlineEngine(root.config()).load(directory, TagModeOptions.of(tagMode));
        // Warnings go to standard error in every format; the JSON keeps docker-pkg's shape.
        loaded.warnings().forEach(w -> root.err().println("warning: " + w));
        root.err().flush();
        root.out().print(format == Formats.Text.json ? PlanReport.renderJson(loaded.tree(), directory) : PlanReport.renderText(loaded.tree(), directory));
        root.out().flush();
        return 0;
    }
}
