package org.imagetree.cli;

import org.imagetree.update.TreeUpdater;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code update NAME}: a changelog entry for the image and every image below it. */
@Command(name = "update", description = "Add a changelog entry to an image and to all its dependants.")
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = {"-r", "--reason"}, defaultValue = "Security update") String reason;
    @Option(names = {"-v", "--version"}, paramLabel = "VERSION") String version;
    @Parameters(index = "1", paramLabel = "DIRECTORY") Path directory;

    @Override
    public Integer call() {
        List<TreeUpdater.Bump> bumps = root.offlineEngine(root.config()).update(directory, name, reason, Optional.ofNullable(version));
        for (TreeUpdater.Bump b : bumps) {
            root.out().println("* " + b.name() + ": " + b.oldVersion() + " -> " + b.newVersion() + " (" + b.changelog() + ")");
        }
        root.out().flush();
        return 0;
    }
}
