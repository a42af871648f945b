package org.imagetree.blubber.acceptance;

import org.imagetree.blubber.SharedFiles;
import org.imagetree.execute.DockerCli;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Blubber's own scenarios ({@code ../shared/conformance/blubber-features/*.feature}), read as they are and run
 * against this compiler and the real Docker engine: one dynamic test per scenario. Only two kinds of scenario
 * are aborted (reported as skipped) with the reason: those with a Python builder (PyPI is unreachable; covered by
 * {@link PythonBuilderLocalWheelTest}) and those with an APT source on a host in
 * {@link ScenarioWorld#UNREACHABLE_APT_HOSTS} (covered by {@link AptSourcesLocalRepositoryTest}). Anything else,
 * a base image without a local build or substitute included, fails the scenario.
 */
@Tag("docker")
class BlubberFeaturesAcceptanceTest {

    @TestFactory
    Stream<DynamicTest> scenarios() throws Exception {
        Path repo = Path.of(System.getProperty("imagetree.repo", ".")).toAbsolutePath();
        Path fixtures = Path.of(getClass().getResource("/blubber-fixtures").toURI());
        DockerCli docker = DockerCli.locateWithBuildKit(System.getenv());
        BaseImages bases = new BaseImages(docker, repo);
        String only = System.getProperty("blubber.scenario", "");
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> features;
        try (var s = Files.list(SharedFiles.features())) {
            features = s.filter(p -> p.toString().endsWith(".feature")).sorted().toList();
        }
        for (Path feature : features) {
            for (Gherkin.Scenario scenario : Gherkin.parse(Files.readString(feature))) {
                String name = feature.getFileName() + ":" + scenario.line() + " " + scenario.name();
                if (!only.isEmpty() && java.util.Arrays.stream(only.toLowerCase(Locale.ROOT).split(","))
                        .noneMatch(name.toLowerCase(Locale.ROOT)::contains)) continue;
                tests.add(DynamicTest.dynamicTest(name, () -> run(docker, bases, fixtures, feature, scenario)));
            }
        }
        return tests.stream();
    }

    private static void run(DockerCli docker, BaseImages bases, Path fixtures, Path feature, Gherkin.Scenario scenario)
            throws Exception {
        Path temp = Files.createTempDirectory("blubber-scenario");
        String tag = "imagetree-blubber-test/" + feature.getFileName().toString().replace(".feature", "")
                + "-" + scenario.line() + ":latest";
        ScenarioWorld world = new ScenarioWorld(docker, bases, fixtures.resolve(""), temp, tag);
        // Surefire's XML names dynamic tests "scenarios()[n]": every outcome's message starts with the scenario.
        String id = feature.getFileName() + ":" + scenario.line() + " " + scenario.name();
        try {
            for (Gherkin.Step step : scenario.steps()) world.run(step);
            System.out.println("[blubber-acceptance] PASSED " + id + world.substitutesUsed());
        } catch (org.opentest4j.TestAbortedException e) {
            System.out.println("[blubber-acceptance] SKIPPED " + id + ": " + e.getMessage());
            throw new org.opentest4j.TestAbortedException(id + ": " + e.getMessage(), e);
        } catch (AssertionError e) {
            System.out.println("[blubber-acceptance] FAILED " + id);
            throw new AssertionError(id + ": " + e.getMessage(), e);
        } catch (Exception e) {
            System.out.println("[blubber-acceptance] FAILED " + id);
            throw new IllegalStateException(id + ": " + e, e);
        } finally {
            world.cleanUp();
            ImageFiles.deleteTree(temp);
        }
    }
}
