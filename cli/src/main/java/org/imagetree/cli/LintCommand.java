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

/** {@code lint DIR [--against REV] [--strict]}: the CI gate for every proposed change to an image repository. */
@Command(name = "lint", description = {
        "Check a tree without building: what a build would fail on or skip.",
        "Errors: definitions that do not parse, templates that do not render, the registry policy, cycles, a control"
                + " dependency that is neither in the tree nor a base image, a template without a changelog, and (with"
                + " --against) a changed image whose changelog version did not grow. Warnings: in-tree images a template"
                + " uses that control does not declare, a changelog without a template.",
        "One line per problem (file:line: problem; warnings say 'warning:'), then a count; exit 1 when there is an"
                + " error (with --strict: or a warning)."})
final class LintCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--against", paramLabel = "REV", description = "Git revision to compare changed images with (e.g. origin/main).")
    String against;

    @Option(names = "--strict", description = "Warnings fail too (exit 1).")
    boolean strict;

    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.")
    Path directory;

    @Override
    public Integer call() {
        List<LintProblem> problems = new TreeLinter(root.config(), root.env()).check(directory, Optional.ofNullable(against));
        long warnings = problems.stream().filter(LintProblem::isWarning).count();
        long errors = problems.size() - warnings;
        for (LintProblem p : problems) if (!p.isWarning()) root.out().println(p);
        for (LintProblem p : problems) if (p.isWarning()) root.out().println(p);
        if (problems.isEmpty()) root.out().println("lint: no problems");
        else root.out().println("lint: " + errors + " error(s), " + warnings + " warning(s)"
                + (errors == 0 && !strict ? " (warnings pass; --strict fails them)" : ""));
        root.out().flush();
        return errors > 0 || (strict && warnings > 0) ? 1 : 0;
    }
}
