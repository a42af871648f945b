package org.imagetree.security;

import org.imagetree.read.DebianVersion;
import org.imagetree.testing.SignedAptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Packages indexes of a real signed repository (dpkg-deb, apt-ftparchive, gpg) on loopback: verified, or an error. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AptIndexesTest {
    Path dir;
    SignedAptRepository repo;
    Path keyring;
    Path otherHome;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("itsecidx");
        repo = new SignedAptRepository("bookworm-imagetree");
        keyring = repo.writeKeyring(dir.resolve("repo.asc"));
    }

    @AfterAll
    void stop() throws Exception {
        if (repo != null) repo.close();
        if (dir != null) SignedAptRepository.deleteTree(dir);
        if (otherHome != null) {
            SignedAptRepository.killAgent(otherHome);
            try {
                SignedAptRepository.deleteTree(otherHome);
            } catch (java.io.IOException ignored) {
                // agent sockets
            }
        }
    }

    private static String arch() throws Exception {
        Process p = new ProcessBuilder("dpkg", "--print-architecture").start();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    @Test
    void aVerifiedIndexGivesTheNewestVersionOfEachPackageOnceARun() throws Exception {
        repo.publish("pkg", "1.0", "pkg", "1.1~rc1", "other", "2:0.1");
        AptIndexes indexes = new AptIndexes(AptIndexes.defaultClient());
        List<AptSource> sources = List.of(AptSource.parse(repo.sourceLine(keyring)));
        Map<String, DebianVersion> available = indexes.available(sources, "bookworm", arch());
        assertThat(available.get("pkg")).hasToString("1.1~rc1");
        assertThat(available.get("other")).hasToString("2:0.1");
        long bytes = indexes.bytesRead();
        assertThat(bytes).isPositive();
        // Another image of the same suite in the same run: nothing fetched again.
        assertThat(indexes.available(sources, "bookworm", arch())).isEqualTo(available);
        assertThat(indexes.bytesRead()).isEqualTo(bytes);
        // A source for another suite does not apply.
        assertThat(indexes.available(sources, "trixie", arch())).isEmpty();
    }

    @Test
    void anArchiveServingOnlyXzIsRead() throws Exception {
        repo.publish("pkg", "2.0");
        repo.onlyXz();
        AptIndexes indexes = new AptIndexes(AptIndexes.defaultClient());
        assertThat(indexes.available(List.of(AptSource.parse(repo.sourceLine(keyring))), "bookworm", arch()).get("pkg")).hasToString("2.0");
    }

    @Test
    void aReleasePastItsValidUntilIsAnError() throws Exception {
        repo.validUntil("Tue, 01 Dec 2026 19:40:00 UTC");
        try {
            repo.publish("pkg", "1.0");
        } finally {
            repo.validUntil(null);
        }
        List<AptSource> sources = List.of(AptSource.parse(repo.sourceLine(keyring)));
        java.time.Clock before = java.time.Clock.fixed(java.time.Instant.parse("2026-12-01T19:39:00Z"), java.time.ZoneOffset.UTC);
        assertThat(new AptIndexes(AptIndexes.defaultClient(), before).available(sources, "bookworm", arch())).containsKey("pkg");
        java.time.Clock after = java.time.Clock.fixed(java.time.Instant.parse("2026-12-01T19:41:00Z"), java.time.ZoneOffset.UTC);
        assertThatThrownBy(() -> new AptIndexes(AptIndexes.defaultClient(), after).available(sources, "bookworm", arch()))
                .isInstanceOf(SecurityScanException.class).hasMessageContaining("expired at Tue, 01 Dec 2026 19:40:00 UTC");
    }

    @Test
    void aWronglySignedRepositoryIsAnError() throws Exception {
        otherHome = SignedAptRepository.otherKey();
        repo.publishSignedBy(otherHome, "pkg", "1.0");
        AptIndexes indexes = new AptIndexes(AptIndexes.defaultClient());
        List<AptSource> sources = List.of(AptSource.parse(repo.sourceLine(keyring)));
        assertThatThrownBy(() -> indexes.available(sources, "bookworm", arch()))
                .isInstanceOf(SecurityScanException.class)
                .hasMessageContaining("InRelease is not signed by any key of the keyring")
                .hasMessageContaining(keyring.toString());
    }

    @Test
    void aTamperedReleaseIsABadSignature() throws Exception {
        repo.publish("pkg", "1.0");
        Path in = repo.inRelease();
        Files.writeString(in, Files.readString(in).replaceFirst("Suite: ", "Suite:  x"));
        AptIndexes indexes = new AptIndexes(AptIndexes.defaultClient());
        assertThatThrownBy(() -> indexes.available(List.of(AptSource.parse(repo.sourceLine(keyring))), "bookworm", arch()))
                .isInstanceOf(SecurityScanException.class)
                .hasMessageContaining("BAD signature");
    }

    @Test
    void sourceLinesAreCheckedWhenRead() {
        assertThatThrownBy(() -> AptSource.parse("deb http://x/debian bookworm main")).hasMessageContaining("signed-by");
        assertThatThrownBy(() -> AptSource.parse("deb [signed-by=/k.gpg] http://x/debian bookworm")).hasMessageContaining("component");
        assertThatThrownBy(() -> AptSource.parse("deb-src [signed-by=/k.gpg] http://x/debian bookworm main")).hasMessageContaining("one-line APT source");
        AptSource s = AptSource.parse("deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] https://mirror/debian/ {suite}-security main contrib");
        assertThat(s.url()).isEqualTo("https://mirror/debian");
        assertThat(s.components()).containsExactly("main", "contrib");
        assertThat(s.suiteFor("bookworm")).isEqualTo("bookworm-security");
        assertThat(AptSource.parse("deb [signed-by=/k] http://x bookworm-updates main").appliesTo("bookworm")).isTrue();
        assertThat(AptSource.parse("deb [signed-by=/k] http://x bookworm-updates main").appliesTo("trixie")).isFalse();
    }
}
