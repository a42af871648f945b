package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden files in resources/org/imagetree/read/changelog were written by python3-debian (see generate.py there). */
class ChangelogWriterTest {
    @TempDir Path tmp;

    static Stream<Arguments> goldenCases() {
        return Stream.of(
                Arguments.of("simple.in", "simple-security.out", "nutcracker", "0.0.3-s1", "Security update",
                        "Raine Souček <raine@wikimedia.org>", ZonedDateTime.of(2026, 8, 3, 12, 28, 24, 0, ZoneOffset.ofHours(2))),
                Arguments.of("simple.in", "simple-refresh.out", "nutcracker", "0.0.3-s1",
                        "Refresh for update in parent image python3-bullseye:\n* Version bump.",
                        "Ahmon Dancy <adancy@wikimedia.org>", ZonedDateTime.of(2025, 8, 4, 17, 0, 8, 0, ZoneOffset.ofHours(-7))),
                Arguments.of("simple.in", "simple-blank-lines.out", "nutcracker", "0.0.4", "first\n\nthird\n",
                        "Author <email@domain>", ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)),
                Arguments.of("comment.in", "comment.out", "foo", "1.0-1-s1", "Security update",
                        "Author <email@domain>", ZonedDateTime.of(2026, 11, 27, 19, 20, 17, 0, ZoneOffset.UTC)),
                Arguments.of("nonewline.in", "nonewline.out", "nutcracker", "0.0.3-s1", "Security update",
                        "Author <email@domain>", ZonedDateTime.of(2026, 11, 27, 19, 20, 17, 0, ZoneOffset.ofHoursMinutes(5, 30))));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("goldenCases")
    void prependIsByteIdenticalToPythonDebian(String in, String out, String pkg, String version, String reason,
                                              String author, ZonedDateTime date) throws IOException {
        Path changelog = tmp.resolve("changelog");
        Files.copy(TestFiles.resource("changelog/" + in), changelog);
        String block = ChangelogWriter.newBlock(pkg, version, "wikimedia", "high", author, date,
                List.of(reason.split("\n", -1)));
        ChangelogWriter.prepend(changelog, block);
        assertThat(Files.readAllBytes(changelog)).isEqualTo(Files.readAllBytes(TestFiles.resource("changelog/" + out)));
        assertThat(ChangelogReader.newest(changelog).version()).isEqualTo(version);
    }

    @Test
    void refusesToWriteAnEntryTheReaderWouldReject() {
        ZonedDateTime date = ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
        assertThatThrownBy(() -> ChangelogWriter.newBlock("foo", "1.0_beta", "wikimedia", "high", "A <a@b>", date,
                List.of("x"))).isInstanceOf(InputError.class).hasMessage("invalid version '1.0_beta' in changelog header");
        assertThatThrownBy(() -> ChangelogWriter.newBlock("foo", "1.0", "", "high", "A <a@b>", date, List.of("x")))
                .isInstanceOf(InputError.class).hasMessageStartingWith("invalid changelog header: foo (1.0) ; urgency=high");
    }

    @Test
    void formatDateIsEmailUtilsFormat() {
        assertThat(ChangelogWriter.formatDate(ZonedDateTime.of(2026, 8, 3, 9, 8, 7, 0, ZoneOffset.ofHoursMinutes(-9, -30))))
                .isEqualTo("Mon, 03 Aug 2026 09:08:07 -0930");
    }

    @Test
    void addChangeKeepsTrailingBlankLinesLast() {
        List<String> changes = new ArrayList<>();
        ChangelogWriter.addChange(changes, "");
        ChangelogWriter.addChange(changes, "   a");
        ChangelogWriter.addChange(changes, "   ");
        ChangelogWriter.addChange(changes, "   b");
        assertThat(changes).containsExactly("", "   a", "   b", "   ");
    }

    @Test
    void prependKeepsFileModeAndLeavesNoTempFile() throws IOException {
        Path changelog = tmp.resolve("changelog");
        Files.copy(TestFiles.resource("changelog/simple.in"), changelog);
        Files.setPosixFilePermissions(changelog, PosixFilePermissions.fromString("rw-r-----"));
        ChangelogWriter.prepend(changelog, "x (1) wikimedia; urgency=high\n\n -- A <a@b>  Mon, 03 Aug 2026 12:28:24 +0200\n");
        assertThat(Files.getPosixFilePermissions(changelog)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(changelog);
        }
    }

    @Test
    void prependToAChangelogWithoutEntryIsAnError() {
        Path changelog = TestFiles.write(tmp.resolve("changelog"), "\n");
        assertThatThrownBy(() -> ChangelogWriter.prepend(changelog, "x")).isInstanceOf(InputError.class)
                .hasMessage(changelog + ": changelog has no entry");
        assertThat(TestFiles.read(changelog)).isEqualTo("\n");
    }
}
