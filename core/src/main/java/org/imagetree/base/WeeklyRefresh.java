package org.imagetree.base;

import org.imagetree.ImageTreeEngine;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.model.ImageTree;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.model.Labels;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.report.BuildReport;
import org.imagetree.update.TreeUpdater;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Wikimedia's weekly chain in one call: base images (Sunday 04:00), then every production changelog bumped to today
 * (06:00), then every tree built and published on the fresh bases.
 *
 * <p>Everything is checked before anything runs: every tree loads (a missing directory or a broken definition is bad
 * input) and the base image inputs are valid. When a base image fails, the refresh stops there: no changelog is
 * bumped and nothing is built, since the trees would be rebuilt on last week's base under this week's versions (and a
 * retry later that day would find them published). A failing tree does not skip the later ones (Wikimedia's
 * {@code &&} chain does); the result says what happened to each.
 */
public final class WeeklyRefresh {
    private final ImageTreeEngine engine;

    public WeeklyRefresh(ImageTreeEngine engine) { this.engine = engine; }

    /**
     * @param bases   base image build per distro
     * @param bumps   changelog entries written, per tree
     * @param reports build report per tree
     * @param trees   each tree as it was planned and built (after the bump), so callers need not scan it again
     */
    public record Result(List<BaseImageBuild> bases, Map<Path, List<TreeUpdater.Bump>> bumps, Map<Path, BuildReport> reports,
                         Map<Path, ImageTree> trees) {
        public boolean succeeded() {
            return basesSucceeded() && reports.values().stream().allMatch(BuildReport::succeeded);
        }

        /** Whether every base image was built (else nothing was bumped or built). */
        public boolean basesSucceeded() { return bases.stream().allMatch(BaseImageBuild::succeeded); }
    }

    /**
     * The distributions to refresh: config {@code base_distros}, else the names of the {@code base_images} that live
     * in the configured registry and namespace ({@code registry/bookworm:latest} → {@code bookworm}).
     */
    public List<String> distros() {
        Object listed = engine.config().get("base_distros");
        if (listed instanceof List<?> l && !l.isEmpty()) return l.stream().map(String::valueOf).toList();
        Set<String> out = new LinkedHashSet<>();
        String prefix = Labels.repository(engine.config().registry(), engine.config().namespace(), "");
        for (String b : engine.config().baseImages()) {
            String repo = Labels.repositoryOf(b);
            if (!prefix.isEmpty() && repo.startsWith(prefix + "/") && repo.indexOf('/', prefix.length() + 1) < 0) {
                out.add(repo.substring(prefix.length() + 1));
            }
        }
        return List.copyOf(out);
    }

    /**
     * @throws org.imagetree.InputError before anything runs, for a tree that does not load or bad base image inputs
     */
    public Result run(List<String> distros, BaseImages.Options baseOptions, List<Path> trees, ExecuteOptions execute,
                      BuildListener listener) throws InterruptedException {
        if (trees.isEmpty()) throw new org.imagetree.InputError("no tree to refresh (give DIRECTORY...)");
        for (Path tree : trees) engine.load(tree, ImageTreeEngine.TagMode.RELEASE);
        engine.baseImages().validate(distros, baseOptions);
        listener.step("building base images: " + String.join(", ", distros));
        List<BaseImageBuild> bases = engine.baseImages().build(distros, baseOptions, (distro, line) -> listener.log(distro, line));
        bases.forEach(b -> listener.step("base " + b.summary()));
        if (!bases.stream().allMatch(BaseImageBuild::succeeded)) {
            listener.step("a base image failed: the refresh stops, no changelog is bumped and nothing is built");
            return new Result(bases, Map.of(), Map.of(), Map.of());
        }
        Map<Path, List<TreeUpdater.Bump>> bumps = new LinkedHashMap<>();
        for (Path tree : trees) {
            List<TreeUpdater.Bump> b = engine.weeklyBump(tree);
            bumps.put(tree, b);
            listener.step("weekly bump of " + tree + ": " + b.size() + " changelog(s)");
        }
        Map<Path, BuildReport> reports = new LinkedHashMap<>();
        Map<Path, ImageTree> built = new LinkedHashMap<>();
        for (Path tree : trees) {
            LoadedTree loaded = engine.load(tree, ImageTreeEngine.TagMode.RELEASE);
            BuildPlan plan = engine.plan(loaded, new PlanOptions(Optional.empty(), execute.pull(), execute.publish()));
            built.put(tree, plan.tree());
            listener.step("building " + tree + ": " + plan.work().size() + " image(s)");
            reports.put(tree, engine.execute(plan, execute, listener));
        }
        return new Result(bases, bumps, reports, built);
    }
}
