package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangelogReaderTest {
    @TempDir Path tmp;

    private static final String TWO_ENTRIES = """
            envoy (1.39.0-1) wikimedia; urgency=medium

              * New upstream version v1.39.0
              * Second line

             -- Blake Jensen <blake@wikimedia.org>  Tue, 18 Aug 2026 12:54:15 +0100

            envoy (1.35.9-1-20260816) wikimedia unstable; urgency=low (just a comment)

              * Weekly rebuild.

             -- Image build Bot <root@wikimedia.org>  Sun,  6 Aug 2026 06:00:23 +0000
            """;

    @Test
    void newestReturnsTheFirstEntryWithAllFields() {
        Path f = TestFiles.write(tmp.resolve("changelog"), TWO_ENTRIES);
        assertThat(ChangelogReader.newest(f)).isEqualTo(new ChangelogEntry("envoy", "1.39.0-1", "wikimedia", "medium",
                "\n  * New upstream version v1.39.0\n  * Second line\n", "Blake Jensen <blake@wikimedia.org>",
                "Tue, 18 Aug 2026 12:54:15 +0100", 1));
    }

    @Test
    void readAllReturnsEveryEntryNewestFirst() {
        Path f = TestFiles.write(tmp.resolve("changelog"), TWO_ENTRIES);
        List<ChangelogEntry> all = ChangelogReader.readAll(f);
        assertThat(all).extracting(ChangelogEntry::version).containsExactly("1.39.0-1", "1.35.9-1-20260816");
        assertThat(all.get(1).distributions()).isEqualTo("wikimedia unstable");
        assertThat(all.get(1).urgency()).isEqualTo("low");
        assertThat(all.get(1).date()).isEqualTo("Sun,  6 Aug 2026 06:00:23 +0000");
        assertThat(all.get(1).line()).isEqualTo(8);
    }

    @Test
    void newestStopsAfterTheFirstEntrySoLaterGarbageIsNotRead() {
        Path f = TestFiles.write(tmp.resolve("changelog"), TWO_ENTRIES + "this is not a changelog line\n");
        assertThat(ChangelogReader.newest(f).version()).isEqualTo("1.39.0-1");
        assertThatThrownBy(() -> ChangelogReader.readAll(f)).isInstanceOf(InputError.class)
                .hasMessageContaining(":13: invalid changelog header: this is not a changelog line");
    }

    @Test
    void skipsLeadingBlankAndCommentLinesLikePythonDebian() {
        Path f = TestFiles.write(tmp.resolve("changelog"), "\n# a comment\n$Id: x $\n/* c */\n   \n"
                + "Foo.Bar+1 (2:1.0~rc1-1) wikimedia; urgency=high\n\n  * x\n\n -- A <a@b>  Mon, 03 Aug 2026 12:28:24 +0200\n");
        ChangelogEntry e = ChangelogReader.newest(f);
        assertThat(e.packageName()).isEqualTo("Foo.Bar+1");
        assertThat(e.version()).isEqualTo("2:1.0~rc1-1");
        assertThat(e.line()).isEqualTo(6);
    }

    @Test
    void hashWithoutSpaceIsNotACommentForPythonDebian() {
        Path f = TestFiles.write(tmp.resolve("changelog"), "#nospace\nfoo (1.0) wikimedia; urgency=high\n");
        assertThatThrownBy(() -> ChangelogReader.newest(f)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(f + ":1: invalid changelog header: #nospace");
    }

    @Test
    void emptyOrBlankChangelogHasNoEntry() {
        Path f = TestFiles.write(tmp.resolve("changelog"), "\n   \n# only a comment\n");
        assertThatThrownBy(() -> ChangelogReader.newest(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ": changelog has no entry")
                .satisfies(e -> assertThat(((InputError) e).file()).isEqualTo(f.toString()));
    }

    @Test
    void malformedHeadersAreReportedWithTheirLine() {
        for (String header : List.of("foo 1.0 wikimedia; urgency=high", "foo (1.0) wikimedia urgency=high",
                "foo (1.0); urgency=high", "-foo (1.0) wikimedia; urgency=high", "foo  (1.0) wikimedia; urgency=high")) {
            Path f = TestFiles.write(tmp.resolve("changelog"), "\n" + header + "\n");
            assertThatThrownBy(() -> ChangelogReader.newest(f)).as(header).isInstanceOf(InputError.class)
                    .hasMessageStartingWith(f + ":2: invalid changelog header: " + header);
        }
    }

    @Test
    void invalidDebianVersionIsAnError() {
        Path f = TestFiles.write(tmp.resolve("changelog"), "foo (1.0_beta) wikimedia; urgency=high\n");
        assertThatThrownBy(() -> ChangelogReader.newest(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":1: invalid version '1.0_beta' in changelog header");
        Path g = TestFiles.write(tmp.resolve("changelog2"), "foo (1:2) wikimedia; urgency=high\n");
        assertThat(ChangelogReader.newest(g).version()).isEqualTo("1:2");
    }

    @Test
    void readAllRequiresTrailers() {
        Path f = TestFiles.write(tmp.resolve("changelog"), "foo (1.0) wikimedia; urgency=high\n\n  * x\n -- bad trailer\n");
        assertThatThrownBy(() -> ChangelogReader.readAll(f)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(f + ":4: invalid changelog trailer: -- bad trailer");
        Path g = TestFiles.write(tmp.resolve("changelog2"), "foo (1.0) wikimedia; urgency=high\n\n  * x\n");
        assertThatThrownBy(() -> ChangelogReader.readAll(g)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(g + ":3: changelog entry of line 1 has no trailer line");
        // newest is lenient like docker-pkg (python-debian only warns)
        assertThat(ChangelogReader.newest(g).author()).isEmpty();
    }

    @Test
    void missingFileIsAnInputError() {
        Path f = tmp.resolve("nope");
        assertThatThrownBy(() -> ChangelogReader.newest(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ": changelog not found");
    }

    @Test
    void invalidUtf8IsAnInputError() throws IOException {
        Path f = Files.write(tmp.resolve("changelog"), new byte[] {'f', 'o', 'o', ' ', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> ChangelogReader.newest(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ": changelog is not valid UTF-8");
    }

    @Test
    void readsEveryProductionChangelogCompletely() throws IOException {
        Path envoy = TestFiles.productionImages().resolve("envoy/changelog");
        List<ChangelogEntry> all = ChangelogReader.readAll(envoy);
        assertThat(all).hasSize(192);
        assertThat(all.get(0)).isEqualTo(ChangelogReader.newest(envoy));
        assertThat(all).allSatisfy(e -> assertThat(e.author()).isNotEmpty());
        long total;
        try (var walk = Files.walk(TestFiles.productionImages())) {
            total = walk.filter(p -> p.getFileName().toString().equals("changelog"))
                    .mapToLong(p -> ChangelogReader.readAll(p).size()).sum();
        }
        assertThat(total).isGreaterThan(10_000);
    }
}
