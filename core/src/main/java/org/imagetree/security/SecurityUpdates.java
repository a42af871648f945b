package org.imagetree.security;

import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The minimal update of a tree after a scan: the images that installed an outdated package themselves get a
 * changelog entry (their dependants follow, as {@code update} does); a package an image inherited is left to the
 * in-tree ancestor that reports it, and when no ancestor in the tree does, it came from a base image: that base is to
 * be rebuilt ({@code base build}, or the weekly {@code refresh}). One exception: an image that inherited a package
 * from an in-tree parent that no longer reports it (the parent was rebuilt, the image was not) is bumped itself.
 */
public final class SecurityUpdates {
    private SecurityUpdates() {}

    /** One changelog reason line per package: {@code * Security update: openssl 3.0.11-1~deb12u1 -> 3.0.13-1~deb12u1}. */
    public static String line(ScanReport.Outdated p) {
        return "* Security update: " + p.name() + " " + p.installed() + " -> " + p.available();
    }

    /** A base image (outside the tree) to rebuild, for these tree images' packages. */
    public record BaseRebuild(String base, String image, List<ScanReport.Outdated> packages) {
        public BaseRebuild {
            packages = List.copyOf(packages);
        }
    }

    /**
     * @param reasons image name → changelog reason (one line per package), in tree order
     * @param bases   outdated packages that come from base images
     */
    public record Plan(Map<String, String> reasons, List<BaseRebuild> bases) {
        public Plan {
            reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
            bases = List.copyOf(bases);
        }

        public boolean isEmpty() { return reasons.isEmpty() && bases.isEmpty(); }
    }

    public static Plan plan(ImageTree tree, ScanReport scan) {
        Map<String, String> reasons = new LinkedHashMap<>();
        List<BaseRebuild> bases = new ArrayList<>();
        for (String n : tree.order()) {
            Optional<ScanReport.ImageScan> s = scan.get(n);
            if (s.isEmpty() || !s.get().outdated()) continue;
            List<String> lines = new ArrayList<>();
            List<ScanReport.Outdated> fromBase = new ArrayList<>();
            Optional<BaseImageOf.Parent> parent = parentOf(tree, n);
            for (ScanReport.Outdated p : s.get().packages()) {
                if (p.from() == ScanReport.From.OWN) {
                    lines.add(line(p));
                } else if (ancestorReports(tree, scan, n, p.name())) {
                    continue; // the ancestor's own entry (or its base image) covers it; the cascade rebuilds this image
                } else if (parent.isPresent() && parent.get().inTree().isPresent()) {
                    lines.add(line(p) + " (rebuild on the updated " + parent.get().inTree().get() + ")");
                } else {
                    fromBase.add(p);
                }
            }
            if (!lines.isEmpty()) reasons.put(n, String.join("\n", lines));
            if (!fromBase.isEmpty()) {
                bases.add(new BaseRebuild(parent.map(BaseImageOf.Parent::reference).orElse("(unknown base)"), n, fromBase));
            }
        }
        return new Plan(reasons, bases);
    }

    private static Optional<BaseImageOf.Parent> parentOf(ImageTree tree, String name) {
        TreeImage image = tree.get(name);
        try {
            return BaseImageOf.of(image, tree);
        } catch (IllegalStateException e) {
            return Optional.empty(); // not rendered (never the case for a scan, which renders the tree)
        }
    }

    /** Whether an in-tree ancestor along the FROM chain reports {@code pkg} outdated too. */
    private static boolean ancestorReports(ImageTree tree, ScanReport scan, String name, String pkg) {
        String at = name;
        for (int guard = 0; guard < 1000; guard++) {
            Optional<BaseImageOf.Parent> p = parentOf(tree, at);
            if (p.isEmpty() || p.get().inTree().isEmpty()) return false;
            at = p.get().inTree().get();
            String current = at;
            boolean reports = scan.get(current).map(i -> i.packages().stream().anyMatch(o -> o.name().equals(pkg))).orElse(false);
            if (reports) return true;
        }
        return false;
    }
}
