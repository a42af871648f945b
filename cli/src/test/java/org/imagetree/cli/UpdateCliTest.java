package org.imagetree.cli;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code update} checks every version before writing anything, as docs/production-images.md says (issue 26, items 8 and 19). */
class UpdateCliTest {
    @TempDir Path dir;
    Path config;
    Path images;
    final Map<String, String> author = Map.of("DEBFULLNAME", "T", "DEBEMAIL", "t@example.org");

    @BeforeEach
    void copyExample() throws IOException {
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), dir);
        config = dir.resolve("config.yaml");
        images = dir.resolve("images");
    }

    private Map<Path, String> changelogs() throws IOException {
        Map<Path, String> out = new HashMap<>();
        try (var s = Files.walk(images)) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("changelog")).toList()) out.put(p, Files.readString(p));
        }
        return out;
    }

    @Test
    void aGivenVersionThatDoesNotRaiseTheVersionIsRefusedAndNothingIsWritten() throws IOException {
        Map<Path, String> before = changelogs();
        for (String v : new String[] {"0.1", "1.0.0-1", "1.0.0~rc1"}) {
            CliRun r = CliRun.of(author, "-c", config.toString(), "update", "tools", "--version", v, images.toString());
            assertThat(r.exitCode()).as(v + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(v).isEqualTo("error: " + images.resolve("tools/changelog") + ":1: --version " + v
                    + " is not greater than the current version 1.0.0-1 of tools (in dpkg --compare-versions order);"
                    + " a new entry must raise the version\n");
            assertThat(changelogs()).as(v).isEqualTo(before);
        }
        CliRun epoch = CliRun.of(author, "-c", config.toString(), "update", "tools", "--version", "1:2.0", images.toString());
        assertThat(epoch.exitCode()).isEqualTo(2);
        assertThat(epoch.err()).contains("--version 1:2.0 cannot be an image tag");
        CliRun none = CliRun.of(author, "-c", config.toString(), "update", "ools", "--version", "2.0", images.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no image has that name");
        assertThat(changelogs()).isEqualTo(before);

        CliRun ok = CliRun.of(author, "-c", config.toString(), "update", "tools", "--version", "1.1.0-1", images.toString());
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("* tools: 1.0.0-1 -> 1.1.0-1", "* runtime: 2.1.0 -> 2.1.0-s1");
    }

    /** An epoch cannot be in an image tag, so no tree holds one: update says so at the changelog line and writes nothing. */
    @Test
    void anImageVersionWithAnEpochIsOneErrorAtItsChangelog() throws IOException {
        Path changelog = images.resolve("standalone/changelog");
        Files.writeString(changelog, Files.readString(changelog).replace("standalone (3.0.0)", "standalone (1:3.0.0)"));
        Map<Path, String> before = changelogs();
        CliRun r = CliRun.of(author, "-c", config.toString(), "update", "standalone", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + changelog + ":1: version '1:3.0.0' of image standalone cannot be an image tag")
                .contains("the epoch '1:' has a ':'");
        assertThat(changelogs()).isEqualTo(before);
    }

    @Test
    void cliMdDoesNotPromiseBumpsOfVersionsNoImageCanHave() throws IOException {
        String cli = Files.readString(TestEnvironment.repo().resolve("docs/cli.md"));
        String updateItem = cli.substring(cli.indexOf("- `update NAME`"), cli.indexOf("\n- ", cli.indexOf("- `update NAME`") + 1));
        assertThat(updateItem).doesNotContain("epochs").contains("`--version`");
    }
}
