package org.imagetree.update;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.Glob;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;
import org.imagetree.read.ChangelogWriter;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Wikimedia's {@code weekly-update.sh}, with a version that cannot collide with a nightly tag: every image's version
 * loses a trailing weekly date ({@code -wYYYYMMDD}, or {@code -YYYYMMDD} as Wikimedia's script writes it) and gets
 * {@code -w<today>}, with a {@code dch}-style entry "Weekly rebuild." by the image build bot, so every production
 * image is rebuilt on the fresh base images.
 *
 * <p>Why {@code w}: {@code build --nightly} tags an image {@code <version>-YYYYMMDD} (docker-pkg's
 * {@code NIGHTLY_BUILD_FORMAT}, {@code --snapshot} {@code <version>-YYYYMMDD-HHMMSS}). Wikimedia's weekly version
 * {@code <version>-<today>} is therefore exactly the tag a nightly build of the same day already published for any
 * version without a trailing date, and a refresh after a nightly run found the new version "published" and rebuilt
 * nothing on the new base. A nightly or snapshot tag always ends in digits after a {@code -}; a weekly version ends in
 * {@code -w} and eight digits, so no nightly tag can be a weekly version. {@code -wYYYYMMDD} sorts after
 * {@code -YYYYMMDD} and after an earlier {@code -wYYYYMMDD} in Debian order, so every bump raises the version, also
 * the first one after Wikimedia's script. Images matching an exclusion glob (over the image name and over its
 * directory relative to the tree, e.g. {@code *spark*}) are left alone, as are images already bumped today.
 * Every entry is computed and validated before any changelog is written.
 *
 * <p>Configuration keys: {@code weekly_author} (default {@code Image build Bot <root@localhost>}),
 * {@code weekly_exclude} (list of globs, default none), {@code weekly_reason} (default {@code Weekly rebuild.}),
 * and docker-pkg's {@code distribution}. Urgency is {@code medium}, as {@code dch} writes it.
 */
public final class WeeklyBump {
    public static final String DEFAULT_AUTHOR = "Image build Bot <root@localhost>";
    public static final String DEFAULT_REASON = "Weekly rebuild.";
    private static final Pattern TRAILING_DATE = Pattern.compile("-w?[0-9]{8}$");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final EngineConfig config;
    private final String author;
    private final List<Glob> exclude;
    private final String reason;

    public WeeklyBump(EngineConfig config) {
        this(config, stringOr(config, "weekly_author", DEFAULT_AUTHOR), excludes(config));
    }

    /**
     * @param author  "Name &lt;email&gt;"
     * @param exclude fnmatch globs over the image name and its directory (relative to the tree root)
     */
    public WeeklyBump(EngineConfig config, String author, List<String> exclude) {
        if (!author.matches(".+ <[^<>\\s]+>")) throw new InputError("weekly_author: expected 'Name <email>', got '" + author + "'");
        this.config = config;
        this.author = author;
        this.exclude = exclude.stream().map(Glob::new).toList();
        this.reason = stringOr(config, "weekly_reason", DEFAULT_REASON);
    }

    /**
     * {@code 1.2.3-1-w20260809} (or Wikimedia's {@code 1.2.3-1-20260809}) → {@code 1.2.3-1-w20260816} for day
     * 2026-08-16; {@code 1.2.3-1} → {@code 1.2.3-1-w20260816}.
     */
    public static String nextVersion(String version, java.time.LocalDate day) {
        return TRAILING_DATE.matcher(version).replaceFirst("") + "-w" + DAY.format(day);
    }

    /** Bumps every image of {@code tree} (read from {@code root}) not excluded; returns what was written. */
    public List<TreeUpdater.Bump> bump(ImageTree tree, Path root, ZonedDateTime now) {
        List<TreeUpdater.Bump> bumps = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        for (String n : tree.order()) {
            TreeImage i = tree.get(n);
            if (excluded(i, root)) continue;
            String old = i.definition().version();
            String next = nextVersion(old, now.toLocalDate());
            if (next.equals(old)) continue; // already rebuilt today
            if (org.imagetree.read.DebianVersion.parse(next).compareTo(org.imagetree.read.DebianVersion.parse(old)) <= 0) {
                throw new InputError(i.definition().changelog(), 1, "cannot bump " + old + " to " + next + ": it is not greater in Debian order");
            }
            String block;
            try {
                block = ChangelogWriter.newBlockWithChanges(n, next, config.distribution(), "medium", author, now, List.of("  * " + reason));
            } catch (InputError e) {
                throw new InputError(i.definition().changelog(), 1, "cannot bump " + old + " to " + next + ": " + e.getMessage());
            }
            blocks.add(block);
            bumps.add(new TreeUpdater.Bump(n, i.definition().changelog(), old, next));
        }
        for (int k = 0; k < bumps.size(); k++) ChangelogWriter.prepend(bumps.get(k).changelog(), blocks.get(k));
        return bumps;
    }

    private boolean excluded(TreeImage i, Path root) {
        String dir;
        try {
            dir = root.toAbsolutePath().normalize().relativize(i.definition().directory().toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            dir = i.definition().directory().toString();
        }
        for (Glob g : exclude) if (g.matches(i.name()) || g.matches(dir)) return true;
        return false;
    }

    private static String stringOr(EngineConfig config, String key, String fallback) {
        String v = config.string(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static List<String> excludes(EngineConfig config) {
        Object v = config.get("weekly_exclude");
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        return List.of(String.valueOf(v));
    }
}
