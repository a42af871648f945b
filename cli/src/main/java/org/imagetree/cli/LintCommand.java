package org.imagetree.cli;

import org.imagetree.lint.LintProblem;
import org.imagetree.lint.TreeLinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code lint DIR [--against REV]}: the CI gate for every proposed change to an image repository. */
@Command(name = "lint", description = {
        "Check a tree without building: definitions parse, templates render, the registry policy holds, no cycle,",
        "and (with --against) every image whose directory changed has a newer changelog version.",
        "Prints one line per problem (file:line: problem); exit 1 when there is any."})
final class LintCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--against", paramLabel = "REV", description = "Git revision to compare changed images with (e.g. origin/main).")
    String against;

    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.")
    Path directory;

    @Override
    public Integer call() {
        List<LintProblem> problems = new TreeLinter(root.config(), root.env()).lint(directory, Optional.ofNullable(against));
        for (LintProblem p : problems) root.out().println(p);
        if (problems.isEmpty()) root.out().println("lint: no problems");
        root.out().flush();
        return problems.isEmpty() ? 0 : 1;
    }
}
