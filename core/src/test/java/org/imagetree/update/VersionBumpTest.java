package org.imagetree.update;

import org.imagetree.read.ChangelogReader;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionBumpTest {
    @ParameterizedTest
    @CsvSource({
            "0.1.2, s, 0.1.2-s1",
            "0.1.2-1-s8, s, 0.1.2-1-s9",
            "0.1.2-s9, s, 0.1.2-s10",
            "0.0.4-20250727, s, 0.0.4-20250727-s1",
            "4.0.2-3-20260816, s, 4.0.2-3-20260816-s1",
            "0.1.2-1, '', 0.1.2-2",
            "1.0, u, 1.0-u1",
    })
    void bumpsAsDockerPkg(String version, String id, String expected) {
        assertThat(VersionBump.next(version, id)).isEqualTo(expected);
        assertThat(VersionBump.dockerPkg(version, id)).isEqualTo(expected);
    }

    /** Versions docker-pkg's new_tag refuses ("Was not able to match version"): the suffix still goes on. */
    @ParameterizedTest
    @CsvSource({
            "2.1.2rocm5.6-3-20260816, s, 2.1.2rocm5.6-3-20260816-s1",
            "0.1.2-1~wmf2, s, 0.1.2-1~wmf2-s1",
            "18.2.7-wmf1-20260816, s, 18.2.7-wmf1-20260816-s1",
            "v20220915-3, s, v20220915-3-s1",
            "9.0.4-20260107.e9ce92c-20260816-s4, s, 9.0.4-20260107.e9ce92c-20260816-s5",
            "1:1.0, s, 1:1.0-s1",
            "1.0~rc1, s, 1.0~rc1-s1",
            "1.0+git5-2, '', 1.0+git5-3",
    })
    void bumpsEveryOtherVersion(String version, String id, String expected) {
        assertThat(VersionBump.dockerPkg(version, id)).isNull();
        assertThat(VersionBump.next(version, id)).isEqualTo(expected);
        assertThat(dpkgGreater(expected, version)).as("dpkg --compare-versions %s gt %s", expected, version).isTrue();
    }

    /** Every version of the real tree's newest entries bumps to one that dpkg orders strictly after it. */
    @Test
    void everyRealTreeVersionBumpsToAGreaterOne() throws IOException {
        Path images = TestEnvironment.shared().resolve("conformance/production-images/images");
        List<String> versions = new ArrayList<>();
        try (Stream<Path> s = Files.walk(images)) {
            s.filter(p -> p.getFileName().toString().equals("changelog")).sorted()
                    .forEach(p -> versions.add(ChangelogReader.newest(p).version()));
        }
        assertThat(versions).hasSizeGreaterThan(100);
        // one dpkg call per pair would take a minute: a shell loop in one process
        StringBuilder script = new StringBuilder();
        for (String v : versions) {
            String next = VersionBump.next(v, "s");
            script.append("dpkg --compare-versions '").append(next).append("' gt '").append(v)
                    .append("' 2>/dev/null || echo 'not greater: ").append(next).append(" ").append(v).append("'\n");
        }
        String out = TestEnvironment.run(java.util.Map.of(), "sh", "-c", script.toString());
        assertThat(out).isEmpty();
    }

    @Test
    void refusesWhatIsNotADebianVersion() {
        assertThatThrownBy(() -> VersionBump.next("1.0_beta", "s")).hasMessageContaining("Invalid Debian version '1.0_beta'");
    }

    private static boolean dpkgGreater(String a, String b) {
        try {
            return new ProcessBuilder("dpkg", "--compare-versions", a, "gt", b).start().waitFor() == 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
