package org.imagetree.cli;

import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.report.PlanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code graph}: the tree as Graphviz dot or Mermaid. */
@Command(name = "graph", description = "Print the image tree (parent -> child) as dot or mermaid.")
final class GraphCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--format", defaultValue = "dot", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Formats.Graph format;
    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.") Path directory;

    @Override
    public Integer call() {
        LoadedTree loaded = root.offlineEngine(root.config()).load(directory, org.imagetree.ImageTreeEngine.TagMode.RELEASE);
        root.out().print(format == Formats.Graph.mermaid ? PlanReport.mermaid(loaded.tree()) : PlanReport.dot(loaded.tree()));
        root.out().flush();
        return 0;
    }
}
