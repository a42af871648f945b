package org.imagetree.plan;

import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.EngineException;
import org.imagetree.model.Glob;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTree;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.model.Labels;
import org.imagetree.model.TreeImage;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Model → plan: asks the registry and the local engine where each image exists, applies the selection,
 * adds what the selection needs, and blocks images whose dependencies cannot be had.
 *
 * <p>The build decision is docker-pkg's: an image is built when its exact {@code name:tag} is in neither
 * the registry nor (with {@code --no-pull} checked first) the local engine. Beyond docker-pkg, with
 * {@link PlanOptions#checkStale()} a published image whose parent changed since it was built is reported stale,
 * and with {@link PlanOptions#rebuildStale()} it and its descendants are rebuilt under the same tags.
 *
 * <p>When the run publishes, a published image counts as done only when every other tag a build pushes
 * ({@link #extraTags}: {@code latest}) points at its version tag's digest; otherwise it is planned {@link Action#TAG}.
 */
public final class Planner {
    private final EngineConfig config;
    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final int lookups;
    /** From this many references on, one catalog read is worth trying before one existence check each. */
    static final int CATALOG_THRESHOLD = 256;
    /**
     * Most references whose local state is asked by one inspect each. An inspect is a lookup by name in the engine,
     * while its listing, even filtered by reference, walks every image it holds: with ~480 images held, 24 references
     * took 0.13-0.15 s listed and 0.03 s inspected 8 at a time (125: 0.18 s and 0.07 s; cold JVM 0.26 s and 0.19 s),
     * and this sits between the plan and the first build.
     */
    static final int INSPECT_LIMIT = 256;
    /** From this many references of the configured registry, they are first asked in one pipelined pass. */
    static final int PROBE_THRESHOLD = 8;
    /**
     * Lookups in flight at once on a registry that answers over HTTP/2: they share one connection, so the limit is
     * the server's stream limit (Go's default, which Distribution uses, is 250), not the connections it is polite to
     * open. The JDK client queues requests beyond the server's limit.
     */
    static final int MULTIPLEXED_LOOKUPS = 128;
    /** The early connection of {@link #connectEarly}, if one was started. */
    private volatile CompletableFuture<Void> connecting;

    /**
     * @param registry the registry client (may be null when the config has no registry)
     * @param engine   the local engine (may be null: then nothing counts as built locally)
     * @param lookups  how many registry lookups run at once
     */
    public Planner(EngineConfig config, RegistryClient registry, ContainerEngine engine, int lookups) {
        this.config = config;
        this.registry = registry;
        this.engine = engine;
        this.lookups = Math.max(1, lookups);
    }

    /** The result of asking the registry about one reference. */
    private record Lookup(Optional<ManifestDescriptor> manifest, String error) {}

    /**
     * Registry answers asked for before {@link #plan(LoadedTree, PlanOptions, Prefetch)}: the existence checks of the
     * tree's own labels, which the scan names before any template is rendered, run while the caller renders.
     * {@link #NONE} asks nothing ahead. A prefetch that is never used should be {@link #cancel()}ed.
     */
    public static final class Prefetch {
        public static final Prefetch NONE = new Prefetch(CompletableFuture.completedFuture(Map.of()),
                CompletableFuture.completedFuture(Map.of()));
        private final CompletableFuture<Map<String, Lookup>> answers;
        private final CompletableFuture<Map<String, Boolean>> local;

        private Prefetch(CompletableFuture<Map<String, Lookup>> answers, CompletableFuture<Map<String, Boolean>> local) {
            this.answers = answers;
            this.local = local;
        }

        /**
         * The references the registry holds, as far as this prefetch asked (waits for its answers). Empty for
         * {@link #NONE}, and when the checks were cancelled or failed as a whole; a check that failed leaves its
         * reference out (it counts as not published).
         */
        public Set<String> published() {
            Set<String> out = new java.util.HashSet<>();
            join().forEach((ref, l) -> {
                if (l.manifest().isPresent()) out.add(ref);
            });
            return out;
        }

        /** Drops the answers (running checks still finish, on daemon threads; nothing waits for them). */
        public void cancel() {
            answers.cancel(false);
            local.cancel(false);
        }

        private Map<String, Lookup> join() {
            try {
                return answers.join();
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.CompletionException e) {
                return Map.of(); // ask again in plan(); its errors are reported per image there
            }
        }

        /** Whether the engine holds each label the registry lacked, as far as asked; empty: ask again. */
        private Map<String, Boolean> joinLocal() {
            try {
                return local.join();
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.CompletionException e) {
                return Map.of();
            }
        }
    }

    /**
     * Opens the connection to the configured registry in the background ({@link RegistryClient#checkApi}) when
     * {@code options} will ask it anything ahead, so that its TCP and TLS handshakes overlap the scan instead of
     * preceding the checks. The checks wait for it rather than race it with connections of their own.
     */
    public void connectEarly(PlanOptions options) {
        if (!options.pull() || registry == null || config.registry().isEmpty() || connecting != null) return;
        if (registry.protocol(config.registry()).isPresent()) return; // already connected
        // The checks will be pipelined on connections of their own (lookupEach): an HTTP client's connection made
        // now would only be used if they fail, and would cost the client's start-up on every run. The probe's TLS
        // context and a first handshake are made now instead, so that its connections resume that session.
        boolean probes = registry.probes(config.registry());
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "imagetree-connect");
            t.setDaemon(true);
            return t;
        });
        try {
            connecting = CompletableFuture.runAsync(() -> {
                if (probes) registry.warmUpProbe(config.registry());
                else registry.checkApi(config.registry());
            }, one);
        } finally {
            one.shutdown();
        }
    }

    /**
     * Starts the registry existence checks of {@code labels} in the background when {@code options} plan registry
     * first (with pull; {@code --no-pull} asks the registry only about local images, so nothing is asked ahead).
     */
    public Prefetch prefetch(java.util.Collection<String> labels, PlanOptions options) {
        if (!options.pull() || registry == null || config.registry().isEmpty() || labels.isEmpty()) return Prefetch.NONE;
        Set<String> refs = new LinkedHashSet<>(labels);
        Set<String> tags = options.publish() ? extraTagRefs(labels) : Set.of();
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "imagetree-prefetch");
            t.setDaemon(true);
            return t;
        });
        try {
            Set<String> asked = new LinkedHashSet<>(refs);
            asked.addAll(tags);
            CompletableFuture<Map<String, Lookup>> answers = CompletableFuture.supplyAsync(() -> lookupAll(asked, true), one);
            // Then, on the same thread (after the answers, so published() does not wait for it): whether the engine
            // holds the labels the registry lacks, which the plan asks next. Connecting to the engine the first time
            // (docker-java and its JSON stack load) then overlaps the rendering instead of following it. Nothing is
            // asked when every label is published (a no-op build does not touch the engine).
            CompletableFuture<Map<String, Boolean>> local = CompletableFuture.supplyAsync(() -> {
                Map<String, Lookup> a = answers.join();
                Set<String> missing = new LinkedHashSet<>();
                for (String ref : refs) {
                    Lookup l = a.get(ref);
                    if (l == null || l.manifest().isEmpty()) missing.add(ref);
                }
                return localState(missing);
            }, one);
            return new Prefetch(answers, local);
        } finally {
            one.shutdown(); // the submitted task still runs; the thread ends with it
        }
    }

    public BuildPlan plan(LoadedTree loaded, PlanOptions options) {
        return plan(loaded, options, Prefetch.NONE);
    }

    /** As {@link #plan(LoadedTree, PlanOptions)}, reusing the answers of {@code early} (see {@link #prefetch}). */
    public BuildPlan plan(LoadedTree loaded, PlanOptions options, Prefetch early) {
        ImageTree tree = loaded.tree();
        Glob.requireMatch(options.select(), tree, loaded.root());
        List<String> warnings = new ArrayList<>(loaded.warnings());
        Set<String> labels = new LinkedHashSet<>();
        for (String n : tree.order()) labels.add(tree.get(n).label());
        boolean haveRegistry = registry != null && !config.registry().isEmpty();
        Map<String, Boolean> local = new ConcurrentHashMap<>();
        Map<String, Lookup> remote;
        if (options.pull()) {
            // Registry first; the local engine only for images the registry lacks (built here, not yet published?).
            Set<String> refs = remoteRefs(tree, labels);
            if (options.publish()) refs.addAll(extraTagRefs(labels));
            remote = new HashMap<>();
            if (haveRegistry) {
                for (Map.Entry<String, Lookup> e : early.join().entrySet()) {
                    if (refs.remove(e.getKey())) remote.put(e.getKey(), e.getValue());
                }
            }
            remote.putAll(lookupAll(refs, haveRegistry));
            Set<String> missing = new LinkedHashSet<>();
            Map<String, Boolean> known = haveRegistry ? early.joinLocal() : Map.of();
            for (String label : labels) {
                Lookup l = remote.get(label);
                if (l != null && l.manifest().isPresent()) continue;
                if (known.containsKey(label)) local.put(label, known.get(label));
                else missing.add(label);
            }
            local.putAll(localState(missing));
        } else {
            // Local first (docker-pkg's --no-pull): the registry only tells published from built for local images.
            local.putAll(localState(labels));
            Set<String> held = new LinkedHashSet<>();
            for (String label : labels) if (local.getOrDefault(label, false)) held.add(label);
            Set<String> refs = remoteRefs(tree, held);
            if (options.publish()) refs.addAll(extraTagRefs(held));
            remote = lookupAll(refs, haveRegistry);
        }

        Map<String, ImageState> state = new HashMap<>();
        Map<String, String> digest = new HashMap<>();
        Map<String, String> failure = new HashMap<>();
        for (String n : tree.order()) {
            TreeImage i = tree.get(n);
            Lookup l = remote.get(i.label());
            if (l != null && l.error() != null) failure.put(n, "registry check failed: " + l.error());
            if (i.renderError() != null) failure.put(n, "template does not render: " + i.renderError());
            boolean inRegistry = l != null && l.manifest().isPresent();
            if (inRegistry) digest.put(n, l.manifest().get().digest());
            ImageState s;
            if (options.pull()) s = inRegistry ? ImageState.PUBLISHED : isLocal(i.label(), local) ? ImageState.BUILT : ImageState.TO_BUILD;
            else s = !isLocal(i.label(), local) ? ImageState.TO_BUILD : inRegistry ? ImageState.PUBLISHED : ImageState.BUILT;
            state.put(n, s);
        }

        Optional<Glob> glob = options.select().map(Glob::new);
        Set<String> selected = new LinkedHashSet<>();
        for (String n : tree.order()) if (glob.map(g -> g.matches(tree.get(n).label())).orElse(true)) selected.add(n);

        // What the selection needs: its images to build plus every ancestor that is not built either.
        Map<String, String> neededBy = new LinkedHashMap<>();
        for (String n : selected) {
            if (state.get(n) == ImageState.PUBLISHED) continue;
            for (String a : tree.ancestors(n)) {
                if (state.get(a) == ImageState.TO_BUILD && !selected.contains(a)) neededBy.putIfAbsent(a, n);
            }
        }

        // Only when asked: two registry requests per published image.
        Map<String, String> stale = Map.of();
        if (options.checkStale() && haveRegistry) {
            Set<String> published = new LinkedHashSet<>();
            for (String n : selected) if (state.get(n) == ImageState.PUBLISHED && !failure.containsKey(n)) published.add(n);
            stale = new StaleParents(registry, lookups).find(tree, published, warnings);
        }
        Set<String> rebuild = new LinkedHashSet<>();
        if (options.rebuildStale() && !stale.isEmpty()) {
            rebuild.addAll(stale.keySet());
            rebuild.addAll(tree.descendants(stale.keySet()));
        }

        Map<String, PlannedImage> planned = new LinkedHashMap<>();
        for (String n : tree.order()) {
            TreeImage i = tree.get(n);
            ImageState s = state.get(n);
            boolean inScope = selected.contains(n) || neededBy.containsKey(n);
            Action action;
            String reason;
            if (rebuild.contains(n) && !failure.containsKey(n)) {
                action = Action.BUILD;
                reason = stale.getOrDefault(n, "below a stale image that is rebuilt");
            } else if (!inScope) {
                action = Action.NONE;
                reason = s == ImageState.PUBLISHED ? "published" : "not selected";
            } else if (failure.containsKey(n)) {
                action = Action.BLOCKED;
                reason = failure.get(n);
            } else if (s == ImageState.PUBLISHED) {
                String wrongTag = options.publish() ? wrongExtraTag(i.label(), digest.get(n), remote) : null;
                if (wrongTag != null) {
                    // What a build does, with or without --check-stale: only --rebuild-stale rebuilds a stale image.
                    action = Action.TAG;
                    reason = "published, but " + wrongTag + "; set from the published manifest, no rebuild"
                            + (stale.containsKey(n) ? "; " + stale.get(n) : "");
                } else {
                    action = Action.NONE;
                    reason = stale.getOrDefault(n, "published");
                }
            } else if (s == ImageState.BUILT) {
                action = options.publish() ? Action.PUBLISH : Action.NONE;
                reason = options.publish() ? "built locally, not yet in the registry" : "built locally";
            } else {
                action = Action.BUILD;
                reason = neededBy.containsKey(n) ? "needed by " + neededBy.get(n)
                        : config.registry().isEmpty() ? "no registry configured" : "not in the registry";
            }
            if (action == Action.BUILD || action == Action.PUBLISH) {
                String blocked = blockedBy(i, planned, remote, local);
                if (blocked != null) {
                    action = Action.BLOCKED;
                    reason = blocked;
                }
            }
            planned.put(n, new PlannedImage(i, s, action, reason, digest.get(n)));
        }
        Set<String> work = new LinkedHashSet<>();
        planned.values().forEach(p -> {
            if (p.action().isWork()) work.add(p.name());
        });
        return new BuildPlan(tree, planned, tree.waves(work), warnings);
    }

    /**
     * The tags a build pushes besides the version tag, for each label: {@code latest} of its repository. An image
     * counts as published only when they all point at its version tag's digest.
     */
    public static List<String> extraTags(String label) {
        return List.of(Labels.repositoryOf(label) + ":latest");
    }

    private static Set<String> extraTagRefs(java.util.Collection<String> labels) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : labels) out.addAll(extraTags(l));
        out.removeAll(labels); // an image whose version is "latest"
        return out;
    }

    /** Which extra tag of a published label is wrong, in words, or null when all point at {@code digest}. */
    private static String wrongExtraTag(String label, String digest, Map<String, Lookup> remote) {
        if (digest == null) return null;
        for (String t : extraTags(label)) {
            if (t.equals(label)) continue;
            Lookup l = remote.get(t);
            if (l == null || l.error() != null) continue; // not asked, or unknown: the build checks again when it works
            String tag = t.substring(t.lastIndexOf(':') + 1);
            if (l.manifest().isEmpty()) return tag + " is missing";
            if (!l.manifest().get().digest().equals(digest)) return tag + " points at " + l.manifest().get().digest();
        }
        return null;
    }

    /** {@code labels} and every external reference of the tree that is not a base image. */
    private Set<String> remoteRefs(ImageTree tree, Set<String> labels) {
        Set<String> refs = new LinkedHashSet<>(labels);
        for (String n : tree.order()) {
            for (String e : tree.get(n).externals()) if (!isBaseImage(e)) refs.add(e);
        }
        return refs;
    }

    private String blockedBy(TreeImage i, Map<String, PlannedImage> planned, Map<String, Lookup> remote, Map<String, Boolean> local) {
        for (String p : i.parents()) {
            PlannedImage pp = planned.get(p);
            if (pp.action() == Action.BLOCKED) return "parent " + p + " is blocked";
        }
        for (String e : i.externals()) {
            if (isBaseImage(e)) continue;
            Lookup l = remote.get(e);
            if (l == null || l.manifest().isPresent() || isLocal(e, local)) continue;
            if (l.error() != null) return "cannot check " + e + ": " + l.error();
            if (l.manifest().isEmpty()) {
                return "depends on " + e + ", which is not in this tree, not in base_images and not in the registry";
            }
        }
        return null;
    }

    private boolean isBaseImage(String ref) {
        String repo = Labels.repositoryOf(ref);
        for (String b : config.baseImages()) {
            if (b.equals(ref) || Labels.repositoryOf(b).equals(repo)) return true;
        }
        return false;
    }

    private boolean isLocal(String ref, Map<String, Boolean> known) {
        return engine != null && known.computeIfAbsent(ref, this::inspectLocal);
    }

    /**
     * Up to {@link #INSPECT_LIMIT} references: inspect each, {@code lookups} at a time; more: one listing of the
     * engine's tags filtered by them (normalised, so familiar and full names agree).
     */
    private Map<String, Boolean> localState(Set<String> refs) {
        if (engine == null || refs.isEmpty()) return Map.of();
        if (refs.size() > INSPECT_LIMIT) {
            try {
                Optional<Set<String>> tags = engine.tagsAmong(refs);
                if (tags.isPresent()) {
                    Set<ImageReference> held = new java.util.HashSet<>();
                    for (String t : tags.get()) {
                        try {
                            held.add(ImageReference.parse(t));
                        } catch (IllegalArgumentException e) {
                            // not a reference we could have asked about
                        }
                    }
                    Map<String, Boolean> out = new HashMap<>();
                    for (String r : refs) {
                        try {
                            out.put(r, held.contains(ImageReference.parse(r)));
                        } catch (IllegalArgumentException e) {
                            out.put(r, false);
                        }
                    }
                    return out;
                }
            } catch (EngineException e) {
                return Map.of(); // unreachable engine: nothing is local (as when each inspect fails)
            }
        }
        return parallel(refs, this::inspectLocal, true);
    }

    private boolean inspectLocal(String ref) {
        try {
            return engine.inspect(ref).isPresent();
        } catch (EngineException e) {
            return false;
        }
    }

    /** {@code f} of every key, {@code lookups} at a time; empty when {@code enabled} is false. */
    private <T> Map<String, T> parallel(Set<String> keys, java.util.function.Function<String, T> f, boolean enabled) {
        return parallel(keys, f, enabled, lookups);
    }

    /** {@code f} of every key, {@code width} at a time; empty when {@code enabled} is false. */
    private <T> Map<String, T> parallel(Set<String> keys, java.util.function.Function<String, T> f, boolean enabled, int width) {
        Map<String, T> out = new ConcurrentHashMap<>();
        if (!enabled || keys.isEmpty()) return out;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(width, keys.size()), r -> {
            Thread t = new Thread(r, "imagetree-lookup");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (String key : keys) {
                all.add(CompletableFuture.runAsync(() -> out.put(key, f.apply(key)), pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /**
     * Registry lookups of {@code refs}, {@code lookups} at a time. For a large tree the registry's catalog is read
     * first (when it offers one): references to repositories it does not hold are missing without a request each.
     */
    private Map<String, Lookup> lookupAll(Set<String> refs, boolean enabled) {
        if (!enabled) return Map.of();
        awaitEarlyConnection();
        if (refs.size() < CATALOG_THRESHOLD) return lookupEach(refs);
        Set<String> repositories;
        try {
            repositories = registry.catalog(config.registry()).orElse(null);
        } catch (RegistryException e) {
            repositories = null; // ask about each reference instead; its errors are reported per image
        }
        if (repositories == null) return lookupEach(refs);
        Map<String, Lookup> out = new HashMap<>();
        Set<String> ask = new LinkedHashSet<>();
        for (String ref : refs) {
            ImageReference r;
            try {
                r = ImageReference.parse(ref);
            } catch (IllegalArgumentException e) {
                ask.add(ref);
                continue;
            }
            if (r.registry().equals(config.registry()) && !repositories.contains(r.repository())) {
                out.put(ref, new Lookup(Optional.empty(), null));
            } else {
                ask.add(ref);
            }
        }
        out.putAll(lookupEach(ask));
        return out;
    }

    /** Waits for {@link #connectEarly}'s connection, if one was started (its failure leaves the checks to connect). */
    private void awaitEarlyConnection() {
        CompletableFuture<Void> early = connecting;
        if (early == null) return;
        try {
            early.join();
        } catch (java.util.concurrent.CancellationException | java.util.concurrent.CompletionException e) {
            // best effort: the first check opens the connection instead
        }
    }

    /**
     * One {@code HEAD} per reference ({@code check}). When the configured registry has not been asked anything yet
     * (no early connection, see {@link #connectEarly}), one reference of it goes first and alone: it opens the
     * connection (over TLS negotiating HTTP/2) and answers any authentication challenge, so the others reuse both
     * instead of racing to open connections and fetch tokens. Then the rest run
     * {@link #MULTIPLEXED_LOOKUPS} at a time if that registry multiplexes (HTTP/2), else {@code lookups} at a time
     * (HTTP/1.1: one connection per request in flight).
     */
    private Map<String, Lookup> lookupEach(Set<String> refs) {
        Map<String, Lookup> out = new HashMap<>();
        Set<String> rest = new LinkedHashSet<>(refs);
        String own = config.registry();
        // Many references of the configured registry (a whole tree and its latest tags): pipelined in one pass first;
        // what that leaves unanswered (auth, errors, retries) is asked one by one below.
        if (refs.size() >= PROBE_THRESHOLD) {
            Map<ImageReference, String> ownRefs = new LinkedHashMap<>();
            for (String ref : refs) {
                if (!ref.startsWith(own + "/")) continue;
                try {
                    ownRefs.put(ImageReference.parse(ref), ref);
                } catch (IllegalArgumentException e) {
                    // reported by lookup() below
                }
            }
            if (ownRefs.size() >= PROBE_THRESHOLD) {
                registry.probeManifests(own, ownRefs.keySet()).forEach((r, manifest) -> {
                    String ref = ownRefs.get(r);
                    out.put(ref, new Lookup(manifest, null));
                    rest.remove(ref);
                });
                if (rest.isEmpty()) return out;
            }
        }
        if (refs.size() > 1 && registry.protocol(own).isEmpty()) {
            for (String ref : refs) {
                if (ref.startsWith(own + "/")) {
                    out.put(ref, lookup(ref));
                    rest.remove(ref);
                    break;
                }
            }
        }
        out.putAll(parallel(rest, this::lookup, true, registry.multiplexes(own) ? Math.max(lookups, MULTIPLEXED_LOOKUPS) : lookups));
        return out;
    }

    private Lookup lookup(String ref) {
        ImageReference r;
        try {
            r = ImageReference.parse(ref);
        } catch (IllegalArgumentException e) {
            return new Lookup(Optional.empty(), e.getMessage());
        }
        try {
            return new Lookup(registry.headManifest(r), null);
        } catch (RegistryException e) {
            return new Lookup(Optional.empty(), e.getMessage());
        }
    }
}
