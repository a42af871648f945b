package org.imagetree.security;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dpkg's database parsed as dpkg would: a file it could not read is an error, never an empty database. */
class DpkgStatusTest {
    @Test
    void readsInstalledPackagesOnly() throws IOException {
        Map<String, String> db = DpkgStatus.parse("""
                Package: libc6
                Status: install ok installed
                Version: 2.36-9+deb12u4
                Description: GNU C Library
                 a multi-line description
                 .
                 with a paragraph

                Package: gone
                Status: deinstall ok config-files
                Version: 1.0
                \t
                Package: trig
                Status: install ok triggers-pending
                Version: 1:2.0-1

                Package: half
                Status: install reinstreq half-installed
                """);
        assertThat(db).containsExactlyInAnyOrderEntriesOf(Map.of("libc6", "2.36-9+deb12u4", "trig", "1:2.0-1"));
        assertThat(DpkgStatus.parse("")).isEmpty();
        assertThat(DpkgStatus.parse("\n\n  \n")).isEmpty();
        // status.d files have no Status: the package counts.
        assertThat(DpkgStatus.parse("Package: tzdata\nVersion: 2024a-0+deb12u1\n")).containsEntry("tzdata", "2024a-0+deb12u1");
    }

    @Test
    void whatDpkgCouldNotParseIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> DpkgStatus.parse(new ByteArrayInputStream(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}))).isInstanceOf(DpkgStatus.Invalid.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> DpkgStatus.parse("x".repeat(10_000_000))).hasMessageContaining("line 1: a field name longer than 256");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nVersion: 1\njunk\n")).hasMessageContaining("line 3: 'junk' is not 'Field: value'");
        assertThatThrownBy(() -> DpkgStatus.parse("Status: install ok installed\nVersion: 1\n")).hasMessageContaining("without a Package");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nVersion: 1\n\n continuation\n")).hasMessageContaining("line 4: a continuation");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nPackage: b\nVersion: 1\n")).hasMessageContaining("second 'Package'");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nStatus: install ok installed\n")).hasMessageContaining("no Version");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nVersion: 1.0\u001b[2J\n")).hasMessageContaining("control character (\\x1b)");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nVersion: not a version\n")).hasMessageContaining("invalid Version 'not a version'");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: a\nVersion: 1." + "1".repeat(2000) + "\n")).hasMessageContaining("longer than 1024 bytes");
        assertThatThrownBy(() -> DpkgStatus.parse("Package: ../../etc\nVersion: 1\n")).hasMessageContaining("is not valid");
    }

    @Test
    void aLongFieldIsSkippedAsItStreamsAndTheDatabaseIsCompact() throws IOException {
        // A 50 MB Description line costs no memory; a million packages cost a few tens of MB.
        InputStream huge = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream("Package: big\nVersion: 1\nDescription: ".getBytes(StandardCharsets.US_ASCII)),
                repeat((byte) 'x', 50_000_000),
                new ByteArrayInputStream("\n\n".getBytes(StandardCharsets.US_ASCII)))));
        assertThat(DpkgStatus.parse(huge)).containsExactly(Map.entry("big", "1"));

        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 200_000; i++) many.append("Package: p").append(i).append("\nVersion: 1.").append(i).append("\n\n");
        many.append("Package: p7\nVersion: 9.9\n"); // a later stanza of a name wins
        DpkgStatus.Database db = DpkgStatus.parse(many.toString());
        assertThat(db).hasSize(200_000);
        assertThat(db.get("p199999")).isEqualTo("1.199999");
        assertThat(db.get("p7")).isEqualTo("9.9");
        assertThat(db.get("nosuch")).isNull();
        assertThat(DpkgStatus.Database.merge(List.of(DpkgStatus.parse("Package: a\nVersion: 1\n"), DpkgStatus.parse("Package: a\nVersion: 2\n\nPackage: b\nVersion: 3\n"))))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "2", "b", "3"));
    }

    private static InputStream repeat(byte b, long n) {
        return new InputStream() {
            long left = n;

            @Override
            public int read() { return left-- > 0 ? b : -1; }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (left <= 0) return -1;
                int k = (int) Math.min(len, left);
                java.util.Arrays.fill(buf, off, off + k, b);
                left -= k;
                return k;
            }
        };
    }
}
