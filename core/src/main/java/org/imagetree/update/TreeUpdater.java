package org.imagetree.update;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.Glob;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;
import org.imagetree.read.ChangelogAuthor;
import org.imagetree.read.ChangelogWriter;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * docker-pkg's {@code update}: a new changelog entry for every image matching {@code *NAME:*} and for every
 * image below them, so a fix in one image rebuilds its whole subtree. All new versions are computed and
 * checked before any changelog is written: a version that cannot be bumped leaves every file untouched.
 *
 * <p>"Below" means what a build orders below: docker-pkg follows {@code control} only, this also follows what
 * templates use. An image reached only through such a template edge is a {@link Bump#templateOnly()} dependant
 * (docker-pkg would leave it alone and it would be built from a stale parent). Entries are docker-pkg's byte for
 * byte ({@link VersionBump}, {@link ChangelogWriter#newBlock}).
 */
public final class TreeUpdater {
    private final EngineConfig config;
    private final Map<String, String> env;

    /**
     * One changelog entry written.
     *
     * @param templateOnly a dependant reached only through a template's use of an in-tree image (not through
     *                     {@code control}): docker-pkg's update would skip it
     */
    public record Bump(String name, Path changelog, String oldVersion, String newVersion, boolean templateOnly) {
        public Bump(String name, Path changelog, String oldVersion, String newVersion) {
            this(name, changelog, oldVersion, newVersion, false);
        }
    }

    public TreeUpdater(EngineConfig config, Map<String, String> env) {
        this.config = config;
        this.env = env;
    }

    /**
     * @param name    image name (glob {@code *NAME:*} over labels, as docker-pkg)
     * @param reason  changelog text
     * @param version explicit new version for the image named {@code name}
     */
    public List<Bump> update(ImageTree tree, Path root, String name, String reason, Optional<String> version, ZonedDateTime now) {
        Glob glob = new Glob("*" + name + ":*");
        Set<String> matched = new LinkedHashSet<>();
        for (String n : tree.order()) if (glob.matches(tree.get(n).label())) matched.add(n);
        if (matched.isEmpty()) throw new InputError("no image matches '" + name + "' in " + root);
        Set<String> selected = new LinkedHashSet<>(matched);
        selected.addAll(tree.descendants(matched));
        Set<String> throughControl = controlDescendants(tree, matched);

        if (version.isPresent()) checkGivenVersion(tree, name, version.get());
        return bumpAll(tree, root, selected, now,
                i -> i.name().equals(name) && version.isPresent() ? version.get() : automaticNext(i),
                n -> {
                    if (n.equals(name)) return List.of(reason.split("\n", -1));
                    List<String> t = new ArrayList<>();
                    t.add("Refresh for update in parent image " + name + ":");
                    t.addAll(List.of(reason.split("\n", -1)));
                    return t;
                },
                n -> !matched.contains(n) && !throughControl.contains(n));
    }

    /**
     * {@code --version} is the new version of the image named {@code name}: a Debian version, strictly greater than
     * its current one in {@code dpkg --compare-versions} order, and a valid image tag (no epoch, {@code ~} or
     * {@code +}: the build would refuse it). Checked before anything is written.
     */
    private static void checkGivenVersion(ImageTree tree, String name, String version) {
        org.imagetree.read.DebianVersion given;
        try {
            given = org.imagetree.read.DebianVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new InputError("--version: " + e.getMessage());
        }
        TreeImage image = tree.get(name);
        if (image == null) {
            throw new InputError("--version " + version + ": it is the new version of the image named '" + name
                    + "', and no image has that name (give the exact name of one image)");
        }
        String current = image.definition().version();
        if (given.compareTo(org.imagetree.read.DebianVersion.parse(current)) <= 0) {
            throw new InputError(image.definition().changelog(), 1, "--version " + version + " is not greater than the current version "
                    + current + " of " + name + " (in dpkg --compare-versions order); a new entry must raise the version");
        }
        if (!org.imagetree.model.ImageReference.isValidTag(version)) {
            throw new InputError("--version " + version + " cannot be an image tag (only letters, digits, '_', '.' and '-';"
                    + " no epoch, '~' or '+'): the build would refuse it");
        }
    }

    /** The images below {@code from} through {@code control} declarations only: docker-pkg's {@code all_children}. */
    static Set<String> controlDescendants(ImageTree tree, Set<String> from) {
        Set<String> out = new LinkedHashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            for (String c : tree.children(p)) {
                if (tree.get(c).definition().declaredDepends().contains(p) && out.add(c)) todo.add(c);
            }
        }
        out.removeAll(from);
        return out;
    }

    /**
     * {@link #update} for several images at once, each with its own reason (exact image names): one new changelog
     * entry per image of the union of their subtrees; a dependant's entry names every updated ancestor with its
     * reason. All versions are computed before any changelog is written.
     */
    public List<Bump> updateEach(ImageTree tree, Path root, Map<String, String> reasons, ZonedDateTime now) {
        for (String n : reasons.keySet()) {
            if (tree.get(n) == null) throw new InputError("no image named '" + n + "' in " + root);
        }
        if (reasons.isEmpty()) return List.of();
        Set<String> selected = new LinkedHashSet<>(reasons.keySet());
        selected.addAll(tree.descendants(reasons.keySet()));
        return bumpAll(tree, root, selected, now, this::automaticNext, n -> {
            List<String> text = new ArrayList<>();
            if (reasons.containsKey(n)) text.addAll(List.of(reasons.get(n).split("\n", -1)));
            Set<String> ancestors = tree.ancestors(n);
            for (String a : tree.order()) {
                if (!ancestors.contains(a) || !reasons.containsKey(a)) continue;
                text.add("Refresh for update in parent image " + a + ":");
                text.addAll(List.of(reasons.get(a).split("\n", -1)));
            }
            return text;
        }, n -> false);
    }

    /**
     * A new changelog entry for each {@code selected} image, in tree order: its next version, its text, whether it
     * changes through its template only. Every version and entry is made (and every error raised) before any
     * changelog is written.
     */
    private List<Bump> bumpAll(ImageTree tree, Path root, Set<String> selected, ZonedDateTime now,
                               java.util.function.Function<TreeImage, String> nextVersion,
                               java.util.function.Function<String, List<String>> text,
                               java.util.function.Predicate<String> templateOnly) {
        String author = ChangelogAuthor.resolve(env, root, config.fallbackAuthor(), config.fallbackEmail());
        List<Bump> bumps = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        for (String n : tree.order()) {
            if (!selected.contains(n)) continue;
            TreeImage i = tree.get(n);
            String next = nextVersion.apply(i);
            blocks.add(ChangelogWriter.newBlock(n, next, config.distribution(), "high", author, now, text.apply(n)));
            bumps.add(new Bump(n, i.definition().changelog(), i.definition().version(), next, templateOnly.test(n)));
        }
        for (int k = 0; k < bumps.size(); k++) ChangelogWriter.prepend(bumps.get(k).changelog(), blocks.get(k));
        return bumps;
    }

    /** The next version {@code update} gives an image whose version is not given: VersionBump's, or an error at its changelog. */
    private String automaticNext(TreeImage image) {
        try {
            return VersionBump.next(image.definition().version(), config.updateId());
        } catch (IllegalArgumentException e) {
            throw new InputError(image.definition().changelog(), 1, e.getMessage());
        }
    }
}
