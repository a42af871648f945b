package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole picocli command tree: every command answers --help and help CMD, every option says what it does. */
class HelpTest {
    /** Every command's path below {@code imagetree}, parents before children (the root is the empty path). */
    static List<List<String>> commandPaths() {
        List<List<String>> out = new ArrayList<>();
        walk(Main.commandLine(new String[0], Map.of()), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommand() instanceof CommandLine.HelpCommand) return;
            List<String> p = new ArrayList<>(path);
            p.add(name);
            walk(sub, p, out);
        });
    }

    static CommandLine find(List<String> path) {
        CommandLine cl = Main.commandLine(path.toArray(String[]::new), Map.of());
        for (String n : path) cl = cl.getSubcommands().get(n);
        return cl;
    }

    @Test
    void everyCommandAnswersHelpAndHelpCommand() {
        List<List<String>> paths = commandPaths();
        assertThat(paths).contains(List.of("build"), List.of("blubber", "compile"), List.of("policy", "manifests"),
                List.of("base", "build"), List.of("update"), List.of("lint"));
        for (List<String> path : paths) {
            String usage = "Usage: " + String.join(" ", concat(List.of("imagetree"), path));
            for (String flag : new String[]{"--help", "-h"}) {
                CliRun r = CliRun.of(concat(path, List.of(flag)).toArray(String[]::new));
                assertThat(r.exitCode()).as("%s %s: %s", path, flag, r.all()).isZero();
                assertThat(r.out()).as("%s %s", path, flag).contains(usage);
                assertThat(r.err()).as("%s %s", path, flag).isEmpty();
            }
            if (path.isEmpty()) continue;
            List<String> helpCmd = new ArrayList<>(path.subList(0, path.size() - 1));
            helpCmd.add("help");
            helpCmd.add(path.get(path.size() - 1));
            CliRun r = CliRun.of(helpCmd.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", helpCmd, r.all()).isZero();
            assertThat(r.out()).as("%s", helpCmd).contains(usage);
        }
    }

    @Test
    void everyCommandOptionAndParameterHasADescription() {
        List<String> missing = new ArrayList<>();
        for (List<String> path : commandPaths()) {
            CommandSpec spec = find(path).getCommandSpec();
            String where = String.join(" ", concat(List.of("imagetree"), path));
            if (String.join("", spec.usageMessage().description()).isBlank()) missing.add(where);
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                if (String.join("", a.description()).isBlank()) {
                    missing.add(where + " " + (a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel()));
                }
            }
        }
        assertThat(missing).as("commands, options and parameters without a description").isEmpty();
    }

    /** An option a help lists does what it says: only the root has a version, and it prints it (issue 26, item 12). */
    @Test
    void everyVersionOptionInAHelpPrintsTheVersion() {
        for (List<String> path : commandPaths()) {
            CommandSpec spec = find(path).getCommandSpec();
            for (CommandLine.Model.OptionSpec version : spec.options()) {
                if (!version.versionHelp()) continue;
                for (String flag : version.names()) {
                    CliRun r = CliRun.of(concat(path, List.of(flag)).toArray(String[]::new));
                    assertThat(r.exitCode()).as("%s %s", path, flag).isZero();
                    assertThat(r.out()).as("%s %s prints the version", path, flag).startsWith("imagetree ");
                }
            }
        }
        assertThat(find(List.of()).getCommandSpec().optionsMap().get("--version").versionHelp()).isTrue();
    }

    /**
     * security update writes changelogs and builds nothing; its help says so (not "then run build") in both places
     * picocli prints it (issue 26, item 14; SecurityCliTest checks the build it prints names the real config and tree).
     */
    @Test
    void securityUpdateSaysItBuildsNothing() {
        for (String[] args : new String[][] {{"security", "update", "--help"}, {"security", "--help"}}) {
            String help = CliRun.of(args).out().replaceAll("\\s+", " ");
            assertThat(help).as(String.join(" ", args)).contains("It builds nothing: run the build it prints next.")
                    .doesNotContain("then run build");
        }
    }

    @Test
    void missingParametersStillFailWithUsage() {
        CliRun r = CliRun.of("build");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'DIRECTORY'").contains("Usage: imagetree build");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
