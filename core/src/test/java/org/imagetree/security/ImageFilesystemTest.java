package org.imagetree.security;

import org.imagetree.config.ReadLimits;
import org.imagetree.security.LayerIndex.Content;
import org.imagetree.security.LayerIndex.Invalid;
import org.imagetree.security.LayerIndex.Parsed;
import org.imagetree.security.LayerIndex.Query;
import org.imagetree.security.LayerIndex.Role;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "The file at path P in this image", as the engine would unpack the layers: every way a layer can store, hide,
 * replace or point at a dpkg status, on layers made in memory (the same reads go through the registry in
 * {@link UntrustedImagesTest}).
 */
class ImageFilesystemTest {
    private static final String STATUS = "var/lib/dpkg/status";

    /** Layers bottom first, as a manifest lists them; counts the reads of each. */
    private static final class Image implements ImageFilesystem.Layers {
        final List<byte[]> newestFirst = new ArrayList<>();
        final Map<Integer, LayerIndex> read = new HashMap<>();
        final Map<Integer, Integer> reads = new HashMap<>();
        final ReadLimits limits;

        Image(ReadLimits limits, TarBytes... bottomFirst) {
            this.limits = limits;
            for (TarBytes t : bottomFirst) newestFirst.add(0, t.bytes());
        }

        Image(TarBytes... bottomFirst) { this(ReadLimits.DEFAULTS, bottomFirst); }

        @Override
        public int count() { return newestFirst.size(); }

        @Override
        public LayerIndex index(int i, Query query) {
            LayerIndex l = read.get(i);
            if (l != null && l.query().covers(query)) return l;
            Query want = l == null ? query : l.query().union(query);
            try {
                l = LayerIndex.scan(new ByteArrayInputStream(newestFirst.get(i)), want, limits);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reads.merge(i, 1, Integer::sum);
            read.put(i, l);
            return l;
        }

        ImageFilesystem fs() { return new ImageFilesystem(this); }

        Map<String, String> status() { return packages(fs().file(STATUS, Role.STATUS)); }
    }

    private static Map<String, String> packages(Optional<Content> c) {
        assertThat(c).as("a status").isPresent();
        assertThat(c.get()).isInstanceOf(Parsed.class);
        @SuppressWarnings("unchecked")
        Map<String, String> m = (Map<String, String>) ((Parsed) c.get()).value();
        return m;
    }

    private static String status(String pkg, String version) {
        return "Package: " + pkg + "\nStatus: install ok installed\nVersion: " + version + "\n";
    }

    private static TarBytes base() {
        return TarBytes.tar().dir("var/").dir("var/lib/").dir("var/lib/dpkg/").file(STATUS, status("openssl", "3.0.11-1"))
                .dir("etc/").symlink("etc/os-release", "../usr/lib/os-release").file("usr/lib/os-release", "VERSION_CODENAME=bookworm\n");
    }

    @Test
    void aStatusStoredAsAHardlinkIsItsTargetNotAnEmptyDatabase() {
        // Same layer: the link's target as it was when the link was unpacked.
        Image same = new Image(base(), TarBytes.tar()
                .file("var/lib/dpkg/status-old", status("openssl", "3.0.9-1"))
                .hardlink(STATUS, "var/lib/dpkg/status-old")
                .file("var/lib/dpkg/status-old", status("openssl", "9.9-later")));
        assertThat(same.status()).containsExactly(Map.entry("openssl", "3.0.9-1"));
        // Lower layer.
        Image lower = new Image(base().file("srv/keep", status("openssl", "1.0-1")), TarBytes.tar().hardlink(STATUS, "/srv/keep"));
        assertThat(lower.status()).containsExactly(Map.entry("openssl", "1.0-1"));
        // A link to nothing: no status (the engine would fail to unpack it), never an empty database.
        Image dangling = new Image(base(), TarBytes.tar().whiteout(STATUS), TarBytes.tar().hardlink(STATUS, "nowhere"));
        assertThat(dangling.fs().file(STATUS, Role.STATUS)).isEmpty();
    }

    @Test
    void nonCanonicalNamesAndDuplicatesAreWhatTheEngineUnpacks() {
        for (String name : List.of("./var/lib/dpkg/status", "var//lib/dpkg/status", "var/lib/dpkg/./status", "/var/lib/dpkg/status",
                "var/lib/apt/../dpkg/status", "../../var/lib/dpkg/status")) {
            Image image = new Image(base(), TarBytes.tar().file(name, status("openssl", "3.0.13-1")));
            assertThat(image.status()).as(name).containsExactly(Map.entry("openssl", "3.0.13-1"));
        }
        // Two entries of one path in a layer: the later one is what is unpacked.
        Image dup = new Image(base(), TarBytes.tar().file(STATUS, status("openssl", "3.0.13-1")).file("./" + STATUS, status("openssl", "3.0.2-1")));
        assertThat(dup.status()).containsExactly(Map.entry("openssl", "3.0.2-1"));
    }

    @Test
    void symlinksAreFollowedInsideTheImageOnly() {
        // A directory on the path is a link; absolute and relative targets; ".." never leaves the root.
        Image dirLink = new Image(base(), TarBytes.tar().dir("opt/").dir("opt/dpkg/").file("opt/dpkg/status", status("a", "1"))
                .entry("var/lib/dpkg", '2', 0, "/opt/dpkg"));
        assertThat(dirLink.status()).containsExactly(Map.entry("a", "1"));
        Image escape = new Image(base(), TarBytes.tar().file("etc/passwd-status", status("b", "2"))
                .symlink(STATUS, "../../../../../../../../etc/passwd-status"));
        assertThat(escape.status()).containsExactly(Map.entry("b", "2"));
        Image loop = new Image(base(), TarBytes.tar().symlink(STATUS, "status2").symlink("var/lib/dpkg/status2", "status"));
        assertThat(loop.fs().file(STATUS, Role.STATUS)).hasValueSatisfying(c ->
                assertThat(((Invalid) c).message()).contains("too many levels of symbolic links"));
        // Debian's own layout: etc/os-release -> ../usr/lib/os-release.
        assertThat(new Image(base()).fs().file("etc/os-release", Role.OS_RELEASE)).hasValueSatisfying(c ->
                assertThat(((Parsed) c).value()).isEqualTo(Map.of("VERSION_CODENAME", "bookworm")));
    }

    @Test
    void whiteoutsOpaqueDirectoriesAndReplacedDirectoriesHideLowerLayersNotTheirOwn() {
        assertThat(new Image(base(), TarBytes.tar().whiteout(STATUS)).fs().file(STATUS, Role.STATUS)).isEmpty();
        assertThat(new Image(base(), TarBytes.tar().whiteout("var/lib")).fs().file(STATUS, Role.STATUS)).isEmpty();
        assertThat(new Image(base(), TarBytes.tar().opaque("var/lib/dpkg").file("var/lib/dpkg/other", "")).fs().file(STATUS, Role.STATUS)).isEmpty();
        assertThat(new Image(base(), TarBytes.tar().file("var/lib", "a file now")).fs().file(STATUS, Role.STATUS)).isEmpty();
        // A whiteout and the new file in one layer (the whiteout applies to the layers below only).
        Image replaced = new Image(base(), TarBytes.tar().whiteout("var/lib/dpkg").dir("var/lib/dpkg/").file(STATUS, status("new", "1")));
        assertThat(replaced.status()).containsExactly(Map.entry("new", "1"));
        // A directory where the status was: not a file to read.
        assertThat(new Image(base(), TarBytes.tar().dir(STATUS + "/")).fs().file(STATUS, Role.STATUS)).isEmpty();
        // A layer with only the file, no directory entries: the directories exist (the engine makes them).
        assertThat(new Image(TarBytes.tar().file(STATUS, status("c", "3"))).status()).containsExactly(Map.entry("c", "3"));
    }

    @Test
    void statusDirectoriesMergeAcrossLayersAsAMergedDirectory() {
        String d = "var/lib/dpkg/status.d";
        Image image = new Image(
                TarBytes.tar().file(d + "/base-files", "Package: base-files\nVersion: 12.4\n").file(d + "/libssl3", "Package: libssl3\nVersion: 3.0.11-1\n")
                        .file(d + "/gone", "Package: gone\nVersion: 1\n"),
                TarBytes.tar().file(d + "/tzdata", "Package: tzdata\nVersion: 2024a-0\n").whiteout(d + "/libssl3")
                        .symlink(d + "/linked", "/srv/pkg"),
                TarBytes.tar().file("srv/pkg", "Package: linked\nVersion: 2\n").whiteout(d + "/gone"));
        Map<String, Content> files = image.fs().directory(d, Role.STATUS);
        assertThat(files).containsOnlyKeys("base-files", "linked", "tzdata");
        Image opaque = new Image(TarBytes.tar().file(d + "/base-files", "Package: base-files\nVersion: 12.4\n"),
                TarBytes.tar().opaque(d).file(d + "/mine", "Package: mine\nVersion: 1\n"));
        assertThat(opaque.fs().directory(d, Role.STATUS)).containsOnlyKeys("mine");
    }

    @Test
    void layersAreReadNewestFirstOnlyAsFarAsTheAnswerAndOnceForTheUsualPaths() {
        Image image = new Image(base(), TarBytes.tar().file("srv/x", "y"), TarBytes.tar().file(STATUS, status("top", "1")));
        assertThat(image.status()).containsExactly(Map.entry("top", "1"));
        assertThat(image.reads).containsOnlyKeys(0);
        // A symlink somewhere unusual costs one more read of the layers it involves, not one per path component.
        Image linked = new Image(base().file("srv/a/b/c/status", status("deep", "1")), TarBytes.tar().symlink(STATUS, "/srv/a/b/c/status"));
        assertThat(linked.status()).containsExactly(Map.entry("deep", "1"));
        assertThat(linked.reads.values()).allMatch(n -> n <= 2);
    }

    @Test
    void aStatusOverTheLimitIsAnErrorOnlyWhereItIsTheAnswer() {
        ReadLimits small = ReadLimits.DEFAULTS.withStatusBytes(1000);
        String big = status("big", "1") + "Description: " + "x".repeat(2000) + "\n";
        Image hidden = new Image(small, TarBytes.tar().file(STATUS, big), TarBytes.tar().file(STATUS, status("small", "1")));
        assertThat(hidden.status()).containsExactly(Map.entry("small", "1"));
        Image answer = new Image(small, TarBytes.tar().file(STATUS, status("small", "1")), TarBytes.tar().file(STATUS, big));
        assertThat(answer.fs().file(STATUS, Role.STATUS)).hasValueSatisfying(c ->
                assertThat(((Invalid) c).message()).contains("var/lib/dpkg/status is more than 1000 bytes (max_status_bytes"));
        Image binary = new Image(TarBytes.tar().file(STATUS, new byte[]{0, 1, 2, 3}));
        assertThat(binary.fs().file(STATUS, Role.STATUS)).hasValueSatisfying(c ->
                assertThat(((Invalid) c).message()).contains("not a dpkg database"));
    }
}
