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

    @Option(names = "--format", defaultValue = "dot", description = "dot or mermaid") String format;
    @Parameters(paramLabel = "DIRECTORY") Path directory;

    @Override
    public Integer call() {
        LoadedTree loaded = root.offlineEngine(root.config()).load(directory, org.imagetree.ImageTreeEngine.TagMode.RELEASE);
        root.out().print("mermaid".equalsIgnoreCase(format) ? PlanReport.mermaid(loaded.tree()) : PlanReport.dot(loaded.tree()));
        root.out().flush();
        return 0;
    }
}
