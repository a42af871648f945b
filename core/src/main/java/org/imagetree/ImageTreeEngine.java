package org.imagetree;

import org.imagetree.config.EngineConfig;
import org.imagetree.execute.BuildListener;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.EngineException;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.execute.LocalPruner;
import org.imagetree.execute.TreeExecutor;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.plan.Planner;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.update.TreeUpdater;
import org.imagetree.update.WeeklyBump;
import org.imagetree.base.BaseImages;
import org.imagetree.base.DebuerreotypeBuilder;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's front door: read → model → plan → execute → report, for the CLI and the Jenkins steps alike.
 * Holds no global state; every collaborator comes in through the constructor.
 */
public final class ImageTreeEngine {
    private final EngineConfig config;
    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final Map<String, String> env;
    private final Clock clock;
    private final int threads;

    /** Which suffix {@code --nightly} / {@code --snapshot} add to every scanned tag. */
    public enum TagMode {
        RELEASE(""), NIGHTLY("-yyyyMMdd"), SNAPSHOT("-yyyyMMdd-HHmmss");

        private final String pattern;

        TagMode(String pattern) { this.pattern = pattern; }

        public String suffix(Clock clock) {
            return pattern.isEmpty() ? "" : DateTimeFormatter.ofPattern(pattern).format(ZonedDateTime.now(clock));
        }
    }

    /**
     * @param engine   the container engine (may be null for read-only work: render, graph, lint)
     * @param registry the registry client (may be null: nothing counts as published)
     */
    public ImageTreeEngine(EngineConfig config, ContainerEngine engine, RegistryClient registry, Map<String, String> env, Clock clock) {
        this.config = config;
        this.engine = engine;
        this.registry = registry;
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public EngineConfig config() { return config; }

    /** Read and model a directory; the tag suffix comes from the mode. */
    public LoadedTree load(Path dir, TagMode mode) {
        return new ImageTreeLoader(config, threads).load(dir, mode.suffix(clock));
    }

    /**
     * @throws org.imagetree.policy.RegistryPolicyException listing every image reference outside the allowed
     *         registries: nothing is planned, so nothing is built
     */
    public BuildPlan plan(LoadedTree tree, PlanOptions options) {
        org.imagetree.policy.PolicyChecker.requireNone(tree.violations());
        return new Planner(config, registry, engine, 8).plan(tree, options);
    }

    /**
     * {@link #load} then {@link #plan}, with the registry existence checks of the tree's own images started as soon as
     * the scan has named them, so they run while the templates render (labels do not depend on renderings; the
     * checks of references that only renderings name follow in the plan). Only labels the registry policy allows are
     * asked ahead. {@code loaded} sees the loaded tree before it is planned (e.g. to print its warnings).
     *
     * @throws org.imagetree.policy.RegistryPolicyException as {@link #plan}
     */
    public BuildPlan loadAndPlan(Path dir, TagMode mode, PlanOptions options, java.util.function.Consumer<LoadedTree> loaded) {
        Planner planner = new Planner(config, registry, engine, 8);
        planner.connectEarly(options);
        org.imagetree.policy.RegistryPolicy policy = config.allowedRegistries().isEmpty() ? null
                : org.imagetree.policy.RegistryPolicy.forBuild(config);
        java.util.concurrent.atomic.AtomicReference<Planner.Prefetch> early = new java.util.concurrent.atomic.AtomicReference<>(Planner.Prefetch.NONE);
        LoadedTree tree;
        try {
            tree = new ImageTreeLoader(config, threads).load(dir, mode.suffix(clock), labels -> early.set(planner.prefetch(
                    policy == null ? labels : labels.stream().filter(policy::allows).toList(), options)));
            loaded.accept(tree);
            org.imagetree.policy.PolicyChecker.requireNone(tree.violations());
        } catch (RuntimeException e) {
            early.get().cancel();
            throw e;
        }
        return planner.plan(tree, options, early.get());
    }

    /**
     * {@link #loadAndPlan} for a build: renders only the templates of images the build may work on (selected, or
     * needed by the selection, and not published), see {@link ImageTreeLoader#loadForBuild}. The plan is the one
     * {@link #loadAndPlan} makes as far as work goes; published images it leaves alone keep their {@code control}
     * parents only, are not rendered (their {@link org.imagetree.model.TreeImage#dockerfile()} is not available) and
     * are not checked against the registry policy again (lint and {@code policy check} check every template). With
     * {@link PlanOptions#checkStale()} or {@link PlanOptions#rebuildStale()}, which need the whole tree, and with
     * {@code --no-pull} (nothing is known published before the plan) every needed template is rendered as before.
     * A template that does not render fails its image only ({@link org.imagetree.model.TreeImage#renderError()}: the
     * plan blocks it and what builds on it, the run reports it failed); {@link #loadAndPlan} refuses it as bad input.
     *
     * @throws org.imagetree.policy.RegistryPolicyException as {@link #plan}, for every rendered template
     */
    public BuildPlan loadAndPlanBuild(Path dir, TagMode mode, PlanOptions options, java.util.function.Consumer<LoadedTree> loaded) {
        if (options.checkStale() || options.rebuildStale()) return loadAndPlan(dir, mode, options, loaded);
        Planner planner = new Planner(config, registry, engine, 8);
        planner.connectEarly(options);
        org.imagetree.policy.RegistryPolicy policy = config.allowedRegistries().isEmpty() ? null
                : org.imagetree.policy.RegistryPolicy.forBuild(config);
        java.util.concurrent.atomic.AtomicReference<Planner.Prefetch> early = new java.util.concurrent.atomic.AtomicReference<>(Planner.Prefetch.NONE);
        java.util.Optional<org.imagetree.model.Glob> glob = options.select().map(org.imagetree.model.Glob::new);
        ImageTreeLoader.BuildScope scope = new ImageTreeLoader.BuildScope(
                label -> glob.map(g -> g.matches(label)).orElse(true), () -> early.get().published());
        LoadedTree tree;
        try {
            tree = new ImageTreeLoader(config, threads).loadForBuild(dir, mode.suffix(clock), labels -> early.set(planner.prefetch(
                    policy == null ? labels : labels.stream().filter(policy::allows).toList(), options)), scope);
            loaded.accept(tree);
            org.imagetree.policy.PolicyChecker.requireNone(tree.violations());
        } catch (RuntimeException e) {
            early.get().cancel();
            throw e;
        }
        return planner.plan(tree, options, early.get());
    }

    public BuildReport execute(BuildPlan plan, ExecuteOptions options, BuildListener listener) throws InterruptedException {
        if (engine == null) throw new IllegalStateException("no container engine");
        // Setting tags from published manifests needs the registry only; building and pushing need the engine.
        boolean needsEngine = plan.work().stream().anyMatch(p -> p.action() != org.imagetree.plan.Action.TAG);
        if (needsEngine && !engine.ping()) {
            throw new InputError("the Docker engine does not answer; is dockerd running (DOCKER_HOST)?");
        }
        return new TreeExecutor(config, engine, registry, env, listener).execute(plan, options);
    }

    public List<TreeUpdater.Bump> update(Path dir, String name, String reason, Optional<String> version) {
        LoadedTree t = load(dir, TagMode.RELEASE);
        return new TreeUpdater(config, env).update(t.tree(), dir, name, reason, version, ZonedDateTime.now(clock));
    }

    /** Wikimedia's weekly bump of every changelog in {@code dir} (see {@link WeeklyBump} for the config keys). */
    public List<TreeUpdater.Bump> weeklyBump(Path dir) {
        LoadedTree t = load(dir, TagMode.RELEASE);
        return new WeeklyBump(config).bump(t.tree(), dir, ZonedDateTime.now(clock));
    }

    /**
     * Security scan of a tree: every image published under its current version tag, read from the registry (see
     * {@link org.imagetree.security.SecurityScanner}); unpublished images are listed as warnings.
     */
    public org.imagetree.security.ScanReport securityScan(Path dir) {
        LoadedTree t = load(dir, TagMode.RELEASE);
        return securityScanner().scan(securityTargets(t));
    }

    /** Security scan of image references (service images), each compared with the parent it records. */
    public org.imagetree.security.ScanReport securityScan(List<String> references) {
        return securityScanner().scan(references.stream().map(org.imagetree.security.SecurityScanner.Target::of).toList());
    }

    /** What {@link #securityUpdate} did: the scan, the plan made from it, and the changelog entries written. */
    public record SecurityUpdate(org.imagetree.security.ScanReport scan, org.imagetree.security.SecurityUpdates.Plan plan,
                                 List<TreeUpdater.Bump> bumps) {}

    /**
     * Scan, then bump the changelogs of the images that installed an outdated package themselves and of their
     * dependants (all or nothing); packages that come from a base image are in the plan's {@code bases}.
     */
    public SecurityUpdate securityUpdate(Path dir) {
        LoadedTree t = load(dir, TagMode.RELEASE);
        org.imagetree.security.ScanReport scan = securityScanner().scan(securityTargets(t));
        if (scan.failed()) { // all or nothing: an image that could not be read might need a bump too
            StringBuilder why = new StringBuilder().append(scan.failures().size()).append(" image")
                    .append(scan.failures().size() == 1 ? "" : "s").append(" could not be read; nothing was changed:");
            for (org.imagetree.security.ScanReport.ImageScan f : scan.failures()) {
                why.append("\n  ").append(f.name()).append(':').append(f.tag()).append(": ").append(f.error().orElseThrow());
            }
            throw new org.imagetree.security.SecurityScanException(why.toString());
        }
        org.imagetree.security.SecurityUpdates.Plan plan = org.imagetree.security.SecurityUpdates.plan(t.tree(), scan);
        List<TreeUpdater.Bump> bumps = new TreeUpdater(config, env).updateEach(t.tree(), dir, plan.reasons(), ZonedDateTime.now(clock));
        return new SecurityUpdate(scan, plan, bumps);
    }

    /** Images whose recorded base digest is no longer their base's, and the pods' workloads to redeploy. */
    public org.imagetree.security.StaleImages.Report stale(List<String> references, Optional<Path> pods) {
        return stale(references, pods, false);
    }

    /**
     * {@link #stale(List, Optional)}; with {@code scanPackages}, the images (those given and, from our registries, those
     * the pods run) are also scanned for security updates, and workloads running an outdated image are listed. Only
     * the registries the config names are contacted ({@link org.imagetree.policy.OurRegistries}).
     */
    public org.imagetree.security.StaleImages.Report stale(List<String> references, Optional<Path> pods, boolean scanPackages) {
        if (registry == null) throw new IllegalStateException("no registry client");
        return new org.imagetree.security.StaleImages(registry, org.imagetree.policy.OurRegistries.of(config),
                config.readLimits(), 8)
                .check(references, pods, scanPackages ? this::securityScan : null);
    }

    private org.imagetree.security.SecurityScanner securityScanner() {
        if (registry == null) throw new IllegalStateException("no registry client");
        org.imagetree.config.ReadLimits limits = config.readLimits();
        return new org.imagetree.security.SecurityScanner(new org.imagetree.security.ImageReader(registry, limits),
                new org.imagetree.security.AptIndexes(org.imagetree.security.AptIndexes.defaultClient(), clock, limits), config.securitySources(),
                org.imagetree.policy.OurRegistries.of(config), 8);
    }

    private static List<org.imagetree.security.SecurityScanner.Target> securityTargets(LoadedTree t) {
        List<org.imagetree.security.SecurityScanner.Target> targets = new java.util.ArrayList<>();
        for (String n : t.tree().order()) {
            org.imagetree.model.TreeImage i = t.tree().get(n);
            String parent = org.imagetree.model.BaseImageOf.of(i, t.tree()).flatMap(org.imagetree.model.BaseImageOf.Parent::inTree)
                    .map(p -> t.tree().get(p).label()).orElse(null);
            targets.add(new org.imagetree.security.SecurityScanner.Target(n, i.label(), parent));
        }
        return targets;
    }

    /** Base image builds with debuerreotype, published through this engine's registry and loaded into its engine. */
    public BaseImages baseImages() {
        return new BaseImages(config, new DebuerreotypeBuilder(env), registry, engine, clock);
    }

    public List<String> prune(Path dir, Optional<String> select, String nightlySuffix, BuildListener listener) throws EngineException {
        LoadedTree t = load(dir, TagMode.RELEASE);
        org.imagetree.model.Glob.requireMatch(select, t.tree(), dir);
        return new LocalPruner(engine).prune(t.tree(), select, nightlySuffix, listener);
    }
}
