package org.imagetree.cli;

import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code prune}: remove old local images of the tree's repositories. */
@Command(name = "prune", description = "Remove local images of the tree's repositories that are not the current version.")
final class PruneCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--select", paramLabel = "GLOB",
            description = "Only images whose full label matches (fnmatch), e.g. '*python3:*'; matching none is an error.")
    String select;
    @Option(names = "--nightly", paramLabel = "NIGHTLY_IDENTIFIER", description = "Also keep the tag with this nightly suffix.") String nightly;
    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.") Path directory;

    @Override
    public Integer call() throws Exception {
        try (ContainerEngine engine = root.containerEngine()) {
            List<String> removed = root.connectedEngine(root.config(), engine, null)
                    .prune(directory, Optional.ofNullable(select), nightly == null ? "" : "-" + nightly, new BuildListener() {
                        @Override public void log(String name, String line) { root.out().println("* " + name + ": " + line); }
                    });
            root.out().println(removed.size() + " image(s) removed");
            root.out().flush();
            return 0;
        }
    }
}
