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
@Command(name = "update", description = {
        "Add a changelog entry to an image and to all its dependants (docker-pkg's entry, byte for byte).",
        "Dependants are those that declare it in control and those whose template uses it (listed as 'template-only"
                + " dependant': docker-pkg skips them). Versions docker-pkg cannot bump get the same suffix (-s1, or -sN"
                + " counted up), always greater in Debian order."})
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Parameters(index = "0", paramLabel = "NAME", description = "Image to update (matches every label '*NAME:*', as docker-pkg).")
    String name;
    @Option(names = {"-r", "--reason"}, paramLabel = "TEXT", defaultValue = "Security update",
            description = "Changelog text, one entry line per line (default: ${DEFAULT-VALUE}).")
    String reason;
    @Option(names = {"-v", "--version"}, paramLabel = "VERSION",
            description = "New version of the image NAME itself, greater than its current one and a valid tag (default: the automatic bump); dependants are always bumped automatically.")
    String version;
    @Parameters(index = "1", paramLabel = "DIRECTORY", description = "Directory of image definitions.")
    Path directory;

    @Override
    public Integer call() {
        List<TreeUpdater.Bump> bumps = root.offlineEngine(root.config()).update(directory, name, reason, Optional.ofNullable(version));
        for (TreeUpdater.Bump b : bumps) {
            root.out().println("* " + b.name() + ": " + b.oldVersion() + " -> " + b.newVersion() + " (" + b.changelog() + ")"
                    + (b.templateOnly() ? " [template-only dependant]" : ""));
        }
        long templateOnly = bumps.stream().filter(TreeUpdater.Bump::templateOnly).count();
        if (templateOnly > 0) {
            root.out().println(templateOnly + " template-only dependant(s): their template uses an updated image that their"
                    + " control does not declare (docker-pkg's update would skip them)");
        }
        root.out().flush();
        return 0;
    }
}
