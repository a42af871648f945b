package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line on Wikimedia's production-images tree (shared/conformance), as the user ran it: update
 * completes where it used to stop, lint lists the undeclared dependencies plan warns about as warnings.
 */
class RealTreeCliTest {
    private static final Map<String, String> AUTHOR = Map.of("DEBFULLNAME", "Test Updater", "DEBEMAIL", "updater@example.org");

    @TempDir Path tmp;

    private Path copy() throws Exception {
        Path to = tmp.resolve("production-images");
        TestEnvironment.copyTree(TestEnvironment.shared().resolve("conformance/production-images"), to);
        return to;
    }

    @Test
    void updateCompletesAndListsTemplateOnlyDependants() throws Exception {
        Path tree = copy();
        CliRun r = CliRun.of(AUTHOR, "-c", tree.resolve("config.yaml").toString(), "update", "python3-bookworm",
                "--reason", "Security update", tree.resolve("images").toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("* python3-bookworm: 0.0.3-20260816 -> 0.0.3-20260816-s1 (")
                .containsPattern("\\* amd-pytorch21: 2\\.1\\.2rocm5\\.6-3-20260816 -> 2\\.1\\.2rocm5\\.6-3-20260816-s1 \\(.*\\) \\[template-only dependant]")
                .contains("template-only dependant(s): their template uses an updated image that their control does not declare");

        CliRun golang = CliRun.of(AUTHOR, "-c", tree.resolve("config.yaml").toString(), "update", "golang1.19",
                tree.resolve("images").toString());
        assertThat(golang.exitCode()).as(golang.all()).isZero();
    }

    @Test
    void lintPassesWithWarningsAndStrictFailsOnThem() throws Exception {
        Path tree = TestEnvironment.shared().resolve("conformance/production-images");
        CliRun lint = CliRun.of("-c", tree.resolve("config.yaml").toString(), "lint", tree.resolve("images").toString());
        assertThat(lint.exitCode()).as(lint.all()).isZero();
        assertThat(lint.out()).containsPattern("lint: 0 error\\(s\\), \\d+ warning\\(s\\) \\(warnings pass; --strict fails them\\)")
                .contains(": warning: uses in-tree image '");
        CliRun strict = CliRun.of("-c", tree.resolve("config.yaml").toString(), "lint", "--strict", tree.resolve("images").toString());
        assertThat(strict.exitCode()).isEqualTo(1);
    }
}
