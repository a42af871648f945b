package org.imagetree.blubber.acceptance;

import org.imagetree.blubber.SharedFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner's Gherkin reader: every scenario of Blubber's features is read, and what it cannot read fails. */
class GherkinTest {

    @Test
    void readsEveryScenarioOfBlubbersFeaturesWithItsStepsAndBackground() throws Exception {
        List<Path> features;
        try (var s = Files.list(SharedFiles.features())) {
            features = s.filter(p -> p.toString().endsWith(".feature")).sorted().toList();
        }
        assertThat(features).isNotEmpty();
        int total = 0;
        for (Path feature : features) {
            String text = Files.readString(feature);
            long declared = text.lines().filter(l -> l.strip().startsWith("Scenario:")).count();
            List<Gherkin.Scenario> scenarios = Gherkin.parse(text);
            assertThat(scenarios).as(feature.getFileName() + " scenarios").hasSize((int) declared);
            for (Gherkin.Scenario scenario : scenarios) {
                assertThat(scenario.steps()).as(scenario.name())
                        .anyMatch(step -> step.keyword().equals("When"))
                        .anyMatch(step -> step.keyword().equals("Then"));
            }
            total += scenarios.size();
        }
        assertThat(total).isEqualTo(30);
    }

    @Test
    void backgroundStepsDocStringsAndTablesBelongToTheirScenario() {
        List<Gherkin.Scenario> scenarios = Gherkin.parse("""
                Feature: f
                  Background:
                    Given "app" as a working directory

                  @tag
                  Scenario: one
                    Given this "blubber.yaml"
                      \"\"\"
                      version: v4
                      \"\"\"
                    When you build the "x" variant
                    Then the image will have the following files in "/srv"
                      | a |
                      | b |
                """);
        assertThat(scenarios).hasSize(1);
        Gherkin.Scenario s = scenarios.get(0);
        assertThat(s.tags()).containsExactly("@tag");
        assertThat(s.steps()).extracting(Gherkin.Step::text).containsExactly("\"app\" as a working directory",
                "this \"blubber.yaml\"", "you build the \"x\" variant", "the image will have the following files in \"/srv\"");
        assertThat(s.steps().get(1).docString()).isEqualTo("version: v4");
        assertThat(s.steps().get(3).table()).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void anOutlineFailsInsteadOfJoiningThePreviousScenario() {
        assertThatThrownBy(() -> Gherkin.parse("""
                Feature: f
                  Scenario: one
                    When you build the "x" variant
                  Scenario Outline: two
                    When you build the "<v>" variant
                  Examples:
                    | v |
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 4");
    }
}
