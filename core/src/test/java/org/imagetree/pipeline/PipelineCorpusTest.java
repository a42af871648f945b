package org.imagetree.pipeline;

import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelinePlanner;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.read.PipelineConfigReader;
import org.imagetree.pipeline.report.PipelinePlanReport;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus: {@code .pipeline/config.yaml} files of Wikimedia service repositories, each re-expressed in
 * {@code src/test/resources/pipeline-corpus/NAME/config.yaml} (its header names the repository and commit), planned as
 * PipelineLib would run them or refused for the reason its schema refuses them. {@code expected.txt} is the expected
 * graph (per pipeline, each stage with the stages it waits for, a stage outside the graph marked {@code (off)}), the
 * warnings, or the refusal, line by line; {@code -Dpipeline.corpus.write=true} writes it from what the planner says.
 */
class PipelineCorpusTest {
    private static final Path CORPUS = TestEnvironment.repo().resolve("core/src/test/resources/pipeline-corpus");
    private static final Pattern PROJECT = Pattern.compile("(?m)^# Gerrit project: (\\S+)$");

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The plan of {@code text} as the corpus records it. */
    static List<String> outcome(String text) {
        Matcher m = PROJECT.matcher(text);
        String project = m.find() ? m.group(1) : "project";
        String remote = "https://gerrit.wikimedia.org/r/" + project;
        String commit = "c0ffee0000000000000000000000000000000000";
        SetupFacts facts = new SetupFacts(project, commit, "master", remote, "", "", Map.of(), SetupFacts.gitVariables(commit, "master", remote), Map.of());
        List<String> out = new ArrayList<>();
        out.add("project: " + project);
        try {
            PipelinePlan plan = PipelinePlanner.plan(PipelineModeler.model(PipelineConfigReader.parse(Configs.FILE, text)),
                    new PipelinePlanner.Request(List.of(), Optional.empty(), facts, Configs.SETTINGS));
            for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
                StringBuilder b = new StringBuilder(p.name()).append(":");
                for (PipelinePlan.PlannedStage s : p.stages()) {
                    b.append(' ').append(s.name());
                    if (!s.runs()) b.append("(off)");
                    if (!s.after().isEmpty()) b.append('<').append(String.join(",", s.after())).append('>');
                }
                out.add(b.toString());
                for (PipelinePlan.PlannedStage s : p.stages()) {
                    if (s.steps().get("publish") instanceof Map<?, ?> pub && pub.get("image") instanceof Map<?, ?> image) {
                        out.add("  " + s.name() + " publishes " + PipelinePlanReport.plain(image.get("references")));
                    }
                }
            }
            plan.warnings().forEach(w -> out.add("warning: " + w.format(plan.file())));
            plan.stepProblems().forEach(w -> out.add("warning: " + w.format(plan.file()) + " (a run refuses to start)"));
        } catch (PipelineConfigException e) {
            out.add("refused:");
            e.lines().forEach(l -> out.add("error: " + l));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void plansAsPipelineLibWouldRunItOrIsRefusedAsItsSchemaRefusesIt(String name) throws Exception {
        Path dir = CORPUS.resolve(name);
        String text = Files.readString(dir.resolve("config.yaml"), StandardCharsets.UTF_8);
        assertThat(text).as("the fixture names what it re-expresses").startsWith("# Re-expresses the .pipeline/config.yaml of ").contains("# Gerrit project: ");
        List<String> got = outcome(text);
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("pipeline.corpus.write")) Files.writeString(expected, String.join("\n", got) + "\n");
        assertThat(got).containsExactlyElementsOf(Files.readAllLines(expected));
    }
}
