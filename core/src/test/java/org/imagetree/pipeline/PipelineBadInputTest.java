package org.imagetree.pipeline;

import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Bad {@code .pipeline/config.yaml} files ({@code src/test/resources/bad-input-pipeline/CASE/config.yaml}, the
 * pipelines to select in {@code args.txt}): each is refused with exactly the lines of {@code expected.txt}, one per
 * problem, all at once, as {@code imagetree pipeline plan} prints them. With {@code -Dpipeline.bad-input.write=true}
 * the expected files are written from what the planner says (then read them).
 */
class PipelineBadInputTest {
    private static final Path CASES = TestEnvironment.repo().resolve("core/src/test/resources/bad-input-pipeline");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CASES)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneErrorPerProblem(String name) throws Exception {
        Path dir = CASES.resolve(name);
        List<String> pipelines = new ArrayList<>();
        Path args = dir.resolve("args.txt");
        if (Files.exists(args)) {
            String[] words = Files.readString(args).trim().split("\\s+");
            for (int i = 0; i + 1 < words.length; i += 2) if (words[i].equals("--pipeline")) pipelines.add(words[i + 1]);
        }
        List<String> got;
        try {
            Configs.plan(Files.readString(dir.resolve("config.yaml"), StandardCharsets.UTF_8), pipelines.toArray(String[]::new));
            fail(name + " was planned");
            return;
        } catch (PipelineConfigException e) {
            got = e.lines().stream().map(l -> "error: " + l).toList();
        }
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("pipeline.bad-input.write")) Files.writeString(expected, String.join("\n", got) + "\n");
        assertThat(got).containsExactlyElementsOf(Files.readAllLines(expected));
    }

}
