package org.imagetree.read;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebianVersionTest {

    /** Comparisons from python-debian's test_debian_support.py, dpkg's t-version.c and dpkg's ordering rules. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = ' ', value = {
            // python-debian
            "0 < a",
            "1.0 < 1.1",
            "1.2 < 1.11",
            "1.0-0.1 < 1.1",
            "1.0-0.1 < 1.0-1",
            "1.0 == 1.0",
            "1.0-0.1 == 1.0-0.1",
            "1:1.0-0.1 == 1:1.0-0.1",
            "1:1.0 == 1:1.0",
            "1.0final-5sarge1 > 1.0final-5",
            "1.0final-5 > 1.0a7-2",
            "0.9.2-5 < 0.9.2+cvs.1.0.dev.2004.07.28-1.5",
            "1:500 < 1:5000",
            "100:500 > 11:5000",
            "1.0.4-2 > 1.0pre7-2",
            "1.5~rc1 < 1.5",
            "1.5~rc1 < 1.5+b1",
            "1.5~rc1 < 1.5~rc2",
            "1.5~rc1 > 1.5~dev0",
            // dpkg t-version.c
            "0-0 == 00-0",
            "0-00 == 00-0",
            "1:2-3 == 1:2-3",
            "0-0 < 1:0-0",
            "a-0 < b-0",
            "0-a < 0-b",
            "1-1 < 2-1",
            "1-1 < 1-2",
            "0 == 0:0",
            "0:0-0 == 0",
            // tilde sorts before everything, even the end
            "1.0~ < 1.0",
            "1.0~~ < 1.0~",
            "1.0~~a < 1.0~",
            "1.0~ < 1.0~a",
            // letters sort before non-letters
            "1.0a < 1.0+",
            "1.0a < 1.0.",
            "1.0+ < 1.0.",
            "1.0 < 1.0a",
            // numeric parts
            "1.9 < 1.10",
            "2.0.0 > 2.0",
            "1.2.3 > 1.2-3",
            "1.2.a > 1.2.3",
            "8.1.30-1 < 8.1.30-1-20240929",
            "0.0.4-20250727 < 0.0.4-20250727-s1",
            "2:0 > 1:9999",
    })
    void comparesLikeDpkg(String a, String op, String b) {
        int c = DebianVersion.parse(a).compareTo(DebianVersion.parse(b));
        int reverse = DebianVersion.parse(b).compareTo(DebianVersion.parse(a));
        switch (op) {
            case "<" -> assertThat(c).isNegative();
            case ">" -> assertThat(c).isPositive();
            case "==" -> assertThat(c).isZero();
            default -> throw new IllegalArgumentException(op);
        }
        assertThat(Integer.signum(reverse)).isEqualTo(-Integer.signum(c));
        if (op.equals("==")) {
            assertThat(DebianVersion.parse(a)).isEqualTo(DebianVersion.parse(b));
            assertThat(DebianVersion.parse(a).hashCode()).isEqualTo(DebianVersion.parse(b).hashCode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ' ', nullValues = "-", value = {
            "1:1.4.1-1 1 1.4.1 1",
            "7.1.ds-1 0 7.1.ds 1",
            "10.11.1.3-2 0 10.11.1.3 2",
            "0.4.23debian1 0 0.4.23debian1 -",
            "1.2.10+cvs20060429-1 0 1.2.10+cvs20060429 1",
            "0.2.0-1+b1 0 0.2.0 1+b1",
            "4.3.90.1svn-r21976-1 0 4.3.90.1svn-r21976 1",
            "1.1.0+cvs20060620-1+2.6.15-8 0 1.1.0+cvs20060620-1+2.6.15 8",
            "1.8RC4b 0 1.8RC4b -",
            "2:1.0.4~rc2-1 2 1.0.4~rc2 1",
            "0:0:0-0 0 0:0 0",
            "0:09azAZ.-+~:-0 0 09azAZ.-+~: 0",
            "v20220915-3 0 v20220915 3",
            "8.1.30-1 0 8.1.30 1",
    })
    void splitsEpochUpstreamRevision(String text, int epoch, String upstream, String revision) {
        DebianVersion v = DebianVersion.parse(text);
        assertThat(v.epoch()).isEqualTo(epoch);
        assertThat(v.upstream()).isEqualTo(upstream);
        assertThat(v.revision()).isEqualTo(revision == null ? "" : revision);
        assertThat(v.toString()).isEqualTo(text);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "  ", "0:", "0:0 0-1", "-1:0-1", "999999999999999999999999:0-1", "a:0-0", "A:0-0",
            "-0", "0:-0", "0:0-0:0", "0:0!-0", "0:0_-0", "0:0-0/", "a1:1.8.8-070403-1~priv1", "1.0:1", ".1"})
    void rejectsInvalidVersions(String text) {
        assertThatThrownBy(() -> DebianVersion.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid Debian version");
    }
}
