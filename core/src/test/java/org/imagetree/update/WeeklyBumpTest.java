package org.imagetree.update;

import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageTree;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.read.ChangelogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wikimedia's weekly-update.sh: strip a trailing weekly date, append -w and today's date, bot author, exclusions. */
class WeeklyBumpTest {
    static final ZonedDateTime SUNDAY = ZonedDateTime.of(2026, 8, 16, 6, 0, 30, 0, ZoneOffset.UTC);
    @TempDir Path dir;

    @Test
    void versionRules() {
        LocalDate d = SUNDAY.toLocalDate();
        assertThat(WeeklyBump.nextVersion("4.0.2-3-w20260809", d)).isEqualTo("4.0.2-3-w20260816");
        assertThat(WeeklyBump.nextVersion("4.0.2-3-20260809", d)).as("Wikimedia's weekly versions").isEqualTo("4.0.2-3-w20260816");
        assertThat(WeeklyBump.nextVersion("4.0.2-3", d)).isEqualTo("4.0.2-3-w20260816");
        assertThat(WeeklyBump.nextVersion("0.0.4-20250727-s1", d)).isEqualTo("0.0.4-20250727-s1-w20260816");
        assertThat(WeeklyBump.nextVersion("9.0.4-20260107.e9ce92c-20260809", d)).isEqualTo("9.0.4-20260107.e9ce92c-w20260816");
        assertThat(WeeklyBump.nextVersion("1.0-123456789", d)).isEqualTo("1.0-123456789-w20260816");
    }

    /**
     * The weekly version is never the tag a nightly build of that day gives (docker-pkg's {@code <version>-YYYYMMDD})
     * or a snapshot build ({@code -YYYYMMDD-HHMMSS}), whatever the version, and it always raises the version (issue 26).
     */
    @Test
    void aWeeklyVersionIsNoNightlyOrSnapshotTagAndAlwaysGreater() {
        LocalDate d = SUNDAY.toLocalDate();
        String today = "20260816";
        for (String v : List.of("1.0", "4.0.2-3", "4.0.2-3-20260809", "4.0.2-3-w20260809", "0.0.4-20250727-s1", "1.0-20260816",
                "2.1.2rocm5.6-3-20260816", "1.0-w20260815", "3-20260816", "20260816")) {
            String weekly = WeeklyBump.nextVersion(v, d);
            for (String built : List.of(v, weekly)) {
                assertThat(weekly).as("weekly of %s vs nightly of %s", v, built).isNotEqualTo(built + "-" + today)
                        .isNotEqualTo(built + "-" + today + "-060030");
            }
            // no nightly or snapshot tag of any version ends like a weekly version
            assertThat(weekly).as(v).matches(".*-w[0-9]{8}").doesNotMatch(".*-[0-9]{8}(-[0-9]{6})?");
            assertThat(org.imagetree.read.DebianVersion.parse(weekly)).as("%s -> %s", v, weekly).isGreaterThan(org.imagetree.read.DebianVersion.parse(v));
        }
    }

    private void image(String path, String name, String version) throws IOException {
        Path d = dir.resolve(path);
        Files.createDirectories(d);
        Files.writeString(d.resolve("changelog"), name + " (" + version + ") wikimedia; urgency=medium\n\n  * x\n\n"
                + " -- A <a@b.c>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        Files.writeString(d.resolve("Dockerfile.template"), "FROM debian:bookworm\n");
    }

    private ImageTree tree(EngineConfig config) {
        return new ImageTreeLoader(config, 2).load(dir, "").tree();
    }

    @Test
    void bumpsEveryImageButTheExcludedOnesWithTheBotAsAuthor() throws IOException {
        image("mapnik", "mapnik", "4.0.2-3-20260809");
        image("python3", "python3-build", "0.1.0");
        image("spark3.4", "spark3.4", "3.4.1-2-20260809");
        image("today", "today", "1.0-w20260816");
        EngineConfig config = ConfigLoader.fromMap(Map.of("base_images", List.of("registry.example/bookworm:latest"),
                "weekly_author", "Image build Bot <root@wikimedia.org>", "weekly_exclude", List.of("*spark*")));
        List<TreeUpdater.Bump> bumps = new WeeklyBump(config).bump(tree(config), dir, SUNDAY);

        assertThat(bumps).extracting(b -> b.name() + " " + b.oldVersion() + " -> " + b.newVersion())
                .containsExactlyInAnyOrder("mapnik 4.0.2-3-20260809 -> 4.0.2-3-w20260816", "python3-build 0.1.0 -> 0.1.0-w20260816");
        String mapnik = Files.readString(dir.resolve("mapnik/changelog"), StandardCharsets.UTF_8);
        assertThat(mapnik).startsWith("mapnik (4.0.2-3-w20260816) wikimedia; urgency=medium\n\n  * Weekly rebuild.\n\n"
                + " -- Image build Bot <root@wikimedia.org>  Sun, 16 Aug 2026 06:00:30 +0000\n\nmapnik (4.0.2-3-20260809)");
        assertThat(ChangelogReader.newest(dir.resolve("mapnik/changelog")).version()).isEqualTo("4.0.2-3-w20260816");
        assertThat(Files.readString(dir.resolve("spark3.4/changelog"))).startsWith("spark3.4 (3.4.1-2-20260809)");
        assertThat(Files.readString(dir.resolve("today/changelog"))).startsWith("today (1.0-w20260816)");
    }

    @Test
    void defaultsAndExclusionByDirectory() throws IOException {
        image("sub/spark-thing", "other", "1.0");
        image("kept", "kept", "2.0");
        EngineConfig config = ConfigLoader.fromMap(Map.of("base_images", List.of("registry.example/bookworm:latest")));
        List<TreeUpdater.Bump> none = new WeeklyBump(config, WeeklyBump.DEFAULT_AUTHOR, List.of("sub/*spark*")).bump(tree(config), dir, SUNDAY);
        assertThat(none).extracting(TreeUpdater.Bump::name).containsExactly("kept");
        assertThat(Files.readString(dir.resolve("kept/changelog"))).contains(" -- " + WeeklyBump.DEFAULT_AUTHOR + "  Sun, 16 Aug 2026");
    }

    @Test
    void aBadAuthorIsRefusedBeforeAnythingIsWritten() throws IOException {
        image("a", "a", "1.0");
        EngineConfig config = ConfigLoader.fromMap(Map.of("weekly_author", "no email here"));
        assertThatThrownBy(() -> new WeeklyBump(config)).isInstanceOf(InputError.class).hasMessageContaining("weekly_author");
        assertThat(Files.readString(dir.resolve("a/changelog"))).startsWith("a (1.0)");
    }
}
