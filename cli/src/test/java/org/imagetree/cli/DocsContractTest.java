package org.imagetree.cli;

import org.imagetree.plan.Action;
import org.imagetree.plan.ImageState;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation is the contract (issue 26): what README.md and docs/ say about commands, options, names and
 * steps is checked against the program, so a doc cannot drift from it unnoticed.
 */
class DocsContractTest {
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern OPTION = Pattern.compile("--(?:\\[no-])?[a-z][a-z0-9-]*");

    static List<Path> docs() throws IOException {
        Path repo = TestEnvironment.repo();
        List<Path> out = new ArrayList<>();
        out.add(repo.resolve("README.md"));
        try (Stream<Path> s = Files.list(repo.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** Command lines a doc shows: inline code spans, indented code lines and lines of fenced blocks. */
    static List<String> commandLines(String text) {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || line.startsWith("    ")) {
                out.add(line.strip());
                continue;
            }
            Matcher m = CODE_SPAN.matcher(line);
            while (m.find()) out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyOptionADocGivesACommandIsAnOptionOfThatCommand() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            if (text.contains(CliReferenceTest.BEGIN)) text = text.substring(0, text.indexOf(CliReferenceTest.BEGIN));
            for (String line : commandLines(text)) {
                List<String> words = List.of(line.split("\\s+"));
                int start = words.indexOf("imagetree");
                if (start < 0) {
                    if (words.isEmpty() || ImageTreeCommand.subcommandIn(new String[]{words.get(0)}).isEmpty()) continue;
                    start = -1;
                }
                CommandLine cl = Main.commandLine(words.subList(start + 1, words.size()).toArray(String[]::new), Map.of());
                List<String> path = new ArrayList<>();
                for (String w : words.subList(start + 1, words.size())) {
                    if (w.startsWith("#") || w.equals("|") || w.equals(">") || w.equals("&&")) break;
                    CommandLine sub = cl.getSubcommands().get(w);
                    if (sub != null && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                        cl = sub;
                        path.add(w);
                        continue;
                    }
                    Matcher o = OPTION.matcher(w);
                    while (o.find()) {
                        String name = o.group().replace("[no-]", "");
                        checked++;
                        if (!hasOption(cl, name)) wrong.add(doc.getFileName() + ": `" + line + "`: " + name + " is not an option of imagetree " + String.join(" ", path));
                    }
                }
            }
        }
        assertThat(checked).as("options found in the docs").isGreaterThan(50);
        assertThat(wrong).isEmpty();
    }

    private static boolean hasOption(CommandLine cl, String name) {
        for (CommandLine c = cl; c != null; c = c.getParent()) {
            if (c.getCommandSpec().optionsMap().containsKey(name)) return true;
        }
        return false;
    }

    @Test
    void theDocsListEveryPlanActionAndState() throws IOException {
        Path repo = TestEnvironment.repo();
        String cli = Files.readString(repo.resolve("docs/cli.md"));
        String production = Files.readString(repo.resolve("docs/production-images.md"));
        String jenkins = Files.readString(repo.resolve("docs/jenkins.md"));
        for (Action a : Action.values()) {
            assertThat(cli).as("cli.md names the plan action %s", a.label()).containsPattern("\\*\\*action\\*\\* \\([^)]*`" + a.label() + "`");
            assertThat(production).as("production-images.md names the plan action %s", a.label()).containsPattern("what a build would do \\([^)]*`" + a.label() + "`");
            assertThat(jenkins).as("jenkins.md names the plan action %s", a.label()).containsPattern("action \\([a-z|]*\\b" + a.label() + "\\b");
        }
        for (ImageState s : ImageState.values()) {
            assertThat(cli).as("cli.md names the plan state %s", s.label()).containsPattern("\\*\\*state\\*\\* when the run starts\\s+\\([^)]*`" + s.label() + "`");
        }
    }

    @Test
    void usageLinesInBlubberMdAreThePrograms() throws IOException {
        String blubber = Files.readString(TestEnvironment.repo().resolve("docs/blubber.md"));
        assertThat(blubber).contains("imagetree [-c config.yaml] policy check DIR|blubber.yaml...")
                .doesNotContain("policy check [DIR|blubber.yaml]");
        assertThat(CliRun.of("policy", "check", "--help").out()).contains("Usage: imagetree policy check [-h] DIR|blubber.yaml...");
    }

    @Test
    void theReadmeListsEveryPluginStep() throws IOException {
        Path repo = TestEnvironment.repo();
        TreeSet<String> steps = new TreeSet<>();
        Pattern descriptor = Pattern.compile("super\\(\"([a-zA-Z]+)\", [A-Za-z]+Step\\.class\\)");
        try (Stream<Path> s = Files.walk(repo.resolve("plugin/src/main/java"))) {
            for (Path f : s.filter(p -> p.toString().endsWith("Step.java")).toList()) {
                Matcher m = descriptor.matcher(Files.readString(f));
                while (m.find()) steps.add(m.group(1));
            }
        }
        assertThat(steps).contains("buildImageTree", "buildBaseImages", "refreshImageTree");
        String layoutRow = Files.readString(repo.resolve("README.md")).lines()
                .filter(l -> l.startsWith("| `plugin/`")).findFirst().orElseThrow();
        for (String step : steps) assertThat(layoutRow).as("README's plugin row lists the step %s", step).contains("`" + step + "`");
        assertThat(layoutRow).contains(steps.size() + " steps");
    }
}
