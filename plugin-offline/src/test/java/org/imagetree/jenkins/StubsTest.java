package org.imagetree.jenkins;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stubs stand in for upstream classes only: each names the upstream tag it was checked against, and what needs
 * a running Jenkins behaves as upstream does without one (it throws), so no offline test can lean on stub-only
 * behaviour.
 */
class StubsTest {
    private static final Pattern HEADER = Pattern.compile(
            "// Compile-only stub \\(jenkins-stubs\\), checked against \\S+ tag \\S+.*: (an empty )?(a )?subset of its signatures.*nothing it lacks\\.");

    @Test
    void everyStubNamesTheUpstreamTagItWasCheckedAgainst() throws IOException {
        Path stubs = TestEnvironment.repo().resolve("jenkins-stubs/src/main/java");
        List<Path> files;
        try (Stream<Path> s = Files.walk(stubs)) {
            files = s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !stubs.relativize(p).startsWith("org/imagetree")) // the harness, not a stub
                    .toList();
        }
        assertThat(files).hasSizeGreaterThan(50);
        for (Path f : files) {
            String first = Files.readAllLines(f).get(0);
            assertThat(first).as(stubs.relativize(f).toString()).matches(HEADER);
        }
    }

    @Test
    void whatNeedsAJenkinsThrowsAsUpstreamDoesWithoutOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(jenkins.model.Jenkins::get).isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(jenkins.model.GlobalConfiguration::all).isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hudson.ExtensionList.lookupSingleton(ImageTreeGlobalConfiguration.class))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(ImageTreeGlobalConfiguration::new).isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> com.cloudbees.plugins.credentials.CredentialsProvider.findCredentialById(
                "x", com.cloudbees.plugins.credentials.common.IdCredentials.class, new TestStepContext.TestRun())).isInstanceOf(IllegalStateException.class);
    }
}
