package org.imagetree.security;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The layer tar reader sees the entries the engine (Go's archive/tar) sees: long names, PAX overrides, header-only
 * types that carry no data whatever their size field claims; and refuses, with a bound, what the engine refuses.
 */
class TarReaderTest {
    private static List<String> names(byte[] tar) throws IOException {
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        List<String> out = new ArrayList<>();
        for (TarReader.Entry e; (e = r.next()) != null; ) {
            String content = new String(r.content().readAllBytes(), StandardCharsets.UTF_8);
            out.add(e.type() + " " + e.name() + (e.linkName().isEmpty() ? "" : " -> " + e.linkName()) + (content.isEmpty() ? "" : " = " + content));
        }
        return out;
    }

    @Test
    void readsWhatCommonsCompressWritesIncludingLongNamesBothWays() throws IOException {
        String longName = "var/lib/" + "d".repeat(150) + "/status";
        for (int mode : new int[]{TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
                out.setLongFileMode(mode);
                TarArchiveEntry dir = new TarArchiveEntry("etc/");
                out.putArchiveEntry(dir);
                out.closeArchiveEntry();
                TarArchiveEntry f = new TarArchiveEntry(longName);
                byte[] content = "Package: x\n".getBytes(StandardCharsets.UTF_8);
                f.setSize(content.length);
                out.putArchiveEntry(f);
                out.write(content);
                out.closeArchiveEntry();
                TarArchiveEntry link = new TarArchiveEntry("etc/os-release", TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("../usr/lib/os-release");
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
            assertThat(names(bytes.toByteArray())).containsExactly("5 etc/", "0 " + longName + " = Package: x\n",
                    "2 etc/os-release -> ../usr/lib/os-release");
        }
    }

    @Test
    void headerOnlyTypesCarryNoDataWhateverTheirSizeFieldSays() throws IOException {
        // A symlink header that claims 512 bytes of data; those bytes are in truth the next header, which the engine
        // unpacks. A reader that skipped them would miss var/lib/dpkg/status.
        byte[] hidden = TarBytes.tar().file("var/lib/dpkg/status", "Package: hidden\n").bytes();
        byte[] tar = TarBytes.tar().entry("innocent", '2', 512, "x").data(java.util.Arrays.copyOf(hidden, hidden.length - 1024)).bytes();
        assertThat(names(tar)).containsExactly("2 innocent -> x", "0 var/lib/dpkg/status = Package: hidden\n");
    }

    @Test
    void paxRecordsRenameAndResizeTheNextEntryAndAGlobalHeaderIsNotApplied() throws IOException {
        byte[] tar = TarBytes.tar()
                .pax("path", "var/lib/dpkg/status")
                .file("decoy", "Package: p\n")
                .entry("global", 'g', 0, "")
                .file("plain", "x")
                .bytes();
        assertThat(names(tar)).containsExactly("0 var/lib/dpkg/status = Package: p\n", "0 plain = x");
    }

    @Test
    void oldStyleDirectoriesAndTheEndOfTheArchive() throws IOException {
        byte[] tar = TarBytes.tar().entry("srv/", '\0', 0, "").bytes();
        assertThat(names(tar)).containsExactly("5 srv/");
        assertThat(names(new byte[0])).isEmpty();
    }

    @Test
    void refusesWhatTheEngineRefusesWithABoundOnMetadata() {
        assertThatThrownBy(() -> names(TarBytes.tar().corruptHeader("x").bytes())).hasMessageContaining("checksum");
        byte[] zeroThenHeader = TarBytes.tar().data(new byte[512]).file("x", "y").bytes();
        assertThatThrownBy(() -> names(zeroThenHeader)).hasMessageContaining("zero block followed by a header");
        // A PAX header of 2 MiB: refused before it is read into memory (the engine's own limit is 1 MiB).
        byte[] huge = TarBytes.tar().entry("PaxHeader", 'x', 2 << 20, "").data(new byte[2 << 20]).file("x", "y").bytes();
        assertThatThrownBy(() -> names(huge)).hasMessageContaining("metadata record").hasMessageContaining(String.valueOf(TarReader.MAX_META));
        byte[] truncated = java.util.Arrays.copyOf(TarBytes.tar().file("x", "y".repeat(2000)).bytes(), 1024);
        assertThatThrownBy(() -> names(truncated)).hasMessageContaining("ends inside");
    }
}
