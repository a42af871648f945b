package org.imagetree.execute;

import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine.BuildRequest;
import org.imagetree.execute.ContainerEngine.RegistryAuth;
import org.imagetree.execute.ContainerEngine.ResourceLimits;
import org.imagetree.model.ImageReference;
import org.imagetree.model.TreeImage;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlannedImage;
import org.imagetree.read.BuildContextWriter;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;
import org.imagetree.registry.RetryPolicy;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.Outcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plan → execute → report: builds, verifies and publishes the images of a plan. Independent images build at
 * the same time (up to {@code jobs}); a child starts only when all its parents in the plan succeeded; when
 * one fails its descendants are skipped with the reason and everything independent goes on.
 *
 * <p>An image counts as published only after the registry answers its tag with the digest that was pushed.
 */
public final class TreeExecutor {
    private final EngineConfig config;
    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final Verifier verifier;
    private final BuildListener listener;
    private final RetryPolicy pullRetry;
    private final Map<String, String> env;

    public TreeExecutor(EngineConfig config, ContainerEngine engine, RegistryClient registry, Map<String, String> env, BuildListener listener) {
        this(config, engine, registry, env, listener, RetryPolicy.DEFAULT);
    }

    /**
     * @param registry  the registry client; publishing needs one (images are pushed through it, request by request)
     * @param pullRetry how often and how patiently a failed pull through the engine is repeated
     */
    public TreeExecutor(EngineConfig config, ContainerEngine engine, RegistryClient registry, Map<String, String> env,
                        BuildListener listener, RetryPolicy pullRetry) {
        this.pullRetry = pullRetry;
        this.env = Map.copyOf(env);
        this.config = config;
        this.engine = engine;
        this.registry = registry;
        this.verifier = new Verifier(config, env);
        this.listener = listener;
    }

    /**
     * Runs the plan. Temporary files live in a private run directory under {@link ExecuteOptions#workDir()}, deleted
     * at the end; the directories of killed runs found there are deleted first. Each image is worked on under the
     * machine-wide lock of its repository ({@link RepositoryLocks}).
     */
    public BuildReport execute(BuildPlan plan, ExecuteOptions options) throws InterruptedException {
        if (options.publish() && registry == null) throw new IllegalArgumentException("publishing needs a registry client");
        Instant start = Instant.now();
        List<PlannedImage> work = longestChainFirst(plan);
        if (work.isEmpty()) {
            try {
                RunDirectory.removeDead(options.workDir(), dead -> listener.step("removed " + dead + ", left by a killed run"));
            } catch (IOException e) {
                listener.step("cannot look for the leftovers of killed runs in " + options.workDir() + ": " + e.getMessage());
            }
            return run(plan, options, work, null, null, start);
        }
        RepositoryLocks locks = new RepositoryLocks(RepositoryLocks.defaultDirectory(env, options.workDir()));
        try (RunDirectory runDir = RunDirectory.open(options.workDir(), dead -> listener.step("removed " + dead + ", left by a killed run"))) {
            return run(plan, options, work, runDir.path(), locks, start);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot make a temporary directory in " + options.workDir() + ": " + e.getMessage(), e);
        }
    }

    private BuildReport run(BuildPlan plan, ExecuteOptions options, List<PlannedImage> work, Path runDir, RepositoryLocks locks,
                            Instant start) throws InterruptedException {
        boolean builds = work.stream().anyMatch(p -> p.action() == Action.BUILD);
        Set<String> failedBases = options.pull() && builds ? pullBaseImages() : Set.of();
        BaseLabels baseLabels = new BaseLabels(plan, registry, engine);
        // Images are pushed request by request through the registry API (the engine's push gives up on the first 5xx
        // inside a layer upload); one publisher per run, so layers its images share are compressed and sent once.
        ImagePublisher publisher = options.publish() && runDir != null
                && work.stream().anyMatch(p -> p.action() != Action.TAG) ? new ImagePublisher(engine, registry, runDir, org.imagetree.registry.KnownLayers.defaultStore(env)) : null;
        try {
            return run(plan, options, work, runDir, locks, start, failedBases, baseLabels, publisher);
        } finally {
            if (publisher != null) publisher.close();
        }
    }

    private BuildReport run(BuildPlan plan, ExecuteOptions options, List<PlannedImage> work, Path runDir, RepositoryLocks locks,
                            Instant start, Set<String> failedBases, BaseLabels baseLabels, ImagePublisher publisher) throws InterruptedException {
        Map<String, ImageResult> results = new LinkedHashMap<>();

        Set<String> pending = new HashSet<>();
        work.forEach(p -> pending.add(p.name()));
        Set<String> succeeded = new HashSet<>();
        Map<String, String> failedParents = new HashMap<>();
        if (!work.isEmpty()) {
            listener.step("building " + work.size() + " image(s) with " + options.jobs() + " job(s), " + plan.waves().size() + " wave(s)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), r -> {
            Thread t = new Thread(r, "imagetree-build");
            t.setDaemon(true);
            return t;
        });
        CompletionService<ImageResult> done = new ExecutorCompletionService<>(pool);
        Map<String, Future<ImageResult>> running = new HashMap<>();
        try {
            while (!pending.isEmpty() || !running.isEmpty()) {
                boolean progressed = true;
                while (progressed) {
                    progressed = false;
                    for (PlannedImage p : work) {
                        if (!pending.contains(p.name())) continue;
                        String blocker = blocker(p.image(), plan, pending, succeeded, results, failedBases);
                        if (blocker == null) {
                            pending.remove(p.name());
                            running.put(p.name(), done.submit(() -> process(p, plan, options, baseLabels, runDir, locks, publisher)));
                            listener.imageStarted(p.name(), switch (p.action()) {
                                case BUILD -> "build";
                                case TAG -> "tag";
                                default -> "publish";
                            });
                        } else if (!blocker.isEmpty()) {
                            pending.remove(p.name());
                            ImageResult r = new ImageResult(p.name(), p.image().tag(), p.label(), Outcome.SKIPPED, null, Duration.ZERO, blocker);
                            results.put(p.name(), r);
                            failedParents.put(p.name(), blocker);
                            listener.imageFinished(r);
                            progressed = true;
                        }
                    }
                }
                if (running.isEmpty()) break;
                Future<ImageResult> f = done.take();
                ImageResult r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("build worker crashed", e.getCause());
                }
                running.remove(r.name());
                results.put(r.name(), r);
                if (!r.outcome().isFailure()) succeeded.add(r.name());
                listener.imageFinished(r);
            }
        } catch (InterruptedException e) {
            // Stop the builds (closing their streams makes the engine cancel them) and let workers clean up.
            running.values().forEach(f -> f.cancel(true));
            pool.shutdownNow();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        } finally {
            pool.shutdownNow();
        }
        List<ImageResult> ordered = new ArrayList<>();
        for (PlannedImage p : plan.images().values()) {
            ImageResult r = results.get(p.name());
            if (r == null) r = unchanged(p);
            ordered.add(r);
        }
        return new BuildReport(ordered, Duration.between(start, Instant.now()));
    }

    /**
     * The work, images that head the longest chains of work below them first (then in plan order): when fewer
     * jobs than ready images, the critical path starts first and the tree finishes sooner.
     */
    static List<PlannedImage> longestChainFirst(BuildPlan plan) {
        List<PlannedImage> work = plan.work();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < work.size(); i++) position.put(work.get(i).name(), i);
        Map<String, Integer> chain = new HashMap<>();
        for (int i = work.size() - 1; i >= 0; i--) { // children come after their parents in plan order
            String n = work.get(i).name();
            int below = 0;
            for (String c : plan.tree().children(n)) if (position.containsKey(c)) below = Math.max(below, chain.get(c));
            chain.put(n, below + 1);
        }
        List<PlannedImage> out = new ArrayList<>(work);
        out.sort(java.util.Comparator.<PlannedImage>comparingInt(p -> -chain.get(p.name())).thenComparingInt(p -> position.get(p.name())));
        return out;
    }

    private static ImageResult unchanged(PlannedImage p) {
        Outcome o = switch (p.action()) {
            case BLOCKED -> p.image().renderError() != null ? Outcome.FAILED : Outcome.SKIPPED;
            case NONE -> "not selected".equals(p.reason()) ? Outcome.NOT_SELECTED : Outcome.UNCHANGED;
            default -> Outcome.SKIPPED;
        };
        return new ImageResult(p.name(), p.image().tag(), p.label(), o, p.digest(), Duration.ZERO, p.reason());
    }

    /** null: ready; "": wait; otherwise the reason it cannot run. */
    private static String blocker(TreeImage i, BuildPlan plan, Set<String> pending, Set<String> succeeded,
                                  Map<String, ImageResult> results, Set<String> failedBases) {
        for (String e : i.externals()) {
            if (failedBases.contains(e)) return "base image " + e + " could not be pulled";
        }
        boolean wait = false;
        for (String parent : i.parents()) {
            PlannedImage pp = plan.get(parent);
            if (pp.action() == Action.BLOCKED) return "parent " + parent + " is blocked: " + pp.reason();
            if (!pp.action().isWork()) continue;
            if (succeeded.contains(parent)) continue;
            ImageResult r = results.get(parent);
            if (r != null && r.outcome().isFailure()) return "parent " + parent + " " + r.outcome().label();
            wait = true;
        }
        return wait ? "" : null;
    }

    private Set<String> pullBaseImages() throws InterruptedException {
        Set<String> failed = new HashSet<>();
        if (config.baseImages().isEmpty()) return failed;
        listener.step("pulling base images");
        for (String base : config.baseImages()) {
            if (Thread.interrupted()) throw new InterruptedException();
            try {
                pullWithRetry(base, base);
            } catch (EngineException e) {
                boolean local;
                try {
                    local = engine.inspect(base).isPresent();
                } catch (EngineException e2) {
                    local = false;
                }
                listener.step("could not pull " + base + (local ? " (using the local copy)" : "") + ": " + e.getMessage());
                if (!local) failed.add(base);
            }
        }
        return failed;
    }

    /** What publishing ended with: the digest the registry serves, and whether this run's push is what it serves. */
    private record Published(String digest, boolean ours) {}

    private ImageResult process(PlannedImage p, BuildPlan plan, ExecuteOptions options, BaseLabels baseLabels, Path runDir,
                                RepositoryLocks locks, ImagePublisher publisher) {
        Instant t0 = Instant.now();
        TreeImage image = p.image();
        List<String> pushed = new ArrayList<>(); // tags this image got in the registry so far, for a failure's message
        try (RepositoryLocks.Held lock = locks.acquire(image.repository(), () -> listener.log(image.name(),
                "waiting: another run on this machine is working on " + image.repository()))) {
            boolean checked = options.publish();
            if (checked) {
                // Published since the plan, by another run: never overwrite it; use it.
                Optional<String> now = servedDigest(image.label());
                if (now.isPresent() && !now.get().equals(p.digest())) return adopt(p, plan, options, baseLabels, now.get(), t0, pushed);
            }
            if (p.action() == Action.TAG) {
                String digest = checked ? servedDigest(image.label()).orElseThrow(() ->
                        new EngineException(image.label() + " is no longer in the registry")) : p.digest();
                List<String> set = setExtraTags(image, digest, pushed);
                baseLabels.published(image.name(), digest);
                return result(image, Outcome.PUBLISHED, digest, t0, "published; set " + String.join(", ", set)
                        + " to its digest from the published manifest, no rebuild");
            }
            String source = image.label();
            if (p.action() == Action.BUILD) {
                if (options.pull()) pullParents(image, plan);
                source = build(image, options, baseLabels.labelsFor(image), runDir);
                baseLabels.built(image.name(), source);
            }
            Verifier.Verification v = verifier.verify(image.definition().directory(), image.label(), line -> listener.log(image.name(), line));
            if (!v.passed()) return result(image, Outcome.FAILED, null, t0, v.detail());
            if (!options.publish()) return result(image, Outcome.BUILT, null, t0, v.detail());
            Optional<String> before = checked ? servedDigest(image.label()) : Optional.empty();
            if (before.isPresent() && !before.get().equals(p.digest())) return adopt(p, plan, options, baseLabels, before.get(), t0, pushed);
            Published published = publish(image, source, bases(image, plan), publisher, pushed);
            baseLabels.published(image.name(), published.digest());
            if (!published.ours()) {
                return result(image, Outcome.UNCHANGED, published.digest(), t0, "published by another run (digest " + published.digest() + ")");
            }
            // Says "verified" only when a verification ran (an image without test.sh is published unverified, and says so).
            String verified = v.ran() ? "verified, " : "";
            String skipped = v.ran() ? "" : " (" + v.detail() + ")";
            return result(image, Outcome.PUBLISHED, published.digest(), t0,
                    (p.action() == Action.BUILD ? "built, " : "") + verified + "published" + skipped);
        } catch (EngineException | RegistryException e) {
            return result(image, Outcome.FAILED, null, t0, e.getMessage() + pushedSoFar(pushed));
        } catch (org.imagetree.InputError e) {
            return result(image, Outcome.FAILED, null, t0, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(image, Outcome.FAILED, null, t0, "interrupted" + pushedSoFar(pushed));
        } catch (IOException | java.io.UncheckedIOException e) {
            return result(image, Outcome.FAILED, null, t0, "build context: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug must not take the other images down with it; the summary says what happened.
            return result(image, Outcome.FAILED, null, t0, "internal error: " + e + pushedSoFar(pushed));
        }
    }

    private static String pushedSoFar(List<String> pushed) {
        return pushed.isEmpty() ? "" : " (pushed before the failure: " + String.join(", ", pushed) + "; the next run sets the rest)";
    }

    /**
     * Another run published the image's version tag since this run planned it: it is not pushed again. Its other tags
     * are set to that digest (idempotent if the other run does the same), and it is pulled when images of this run
     * build on it, so they build on what the registry serves.
     */
    private ImageResult adopt(PlannedImage p, BuildPlan plan, ExecuteOptions options, BaseLabels baseLabels, String digest,
                              Instant t0, List<String> pushed) throws EngineException, InterruptedException {
        TreeImage image = p.image();
        listener.log(image.name(), "another run published " + image.label() + " as " + digest + " meanwhile; not pushing it again");
        setExtraTags(image, digest, pushed);
        baseLabels.published(image.name(), digest);
        boolean buildsOnIt = plan.tree().children(image.name()).stream().anyMatch(c -> plan.get(c).action() == Action.BUILD);
        if (options.pull() && buildsOnIt) pullWithRetry(image.label(), image.name());
        return result(image, Outcome.UNCHANGED, digest, t0, "published by another run (digest " + digest + ")");
    }

    /** The digest the registry serves for a reference now, if it has it. */
    private Optional<String> servedDigest(String label) {
        return registry.headManifest(ImageReference.parse(label)).map(ManifestDescriptor::digest);
    }

    private static ImageResult result(TreeImage i, Outcome o, String digest, Instant t0, String reason) {
        return new ImageResult(i.name(), i.tag(), i.label(), o, digest, Duration.between(t0, Instant.now()), reason);
    }

    /**
     * docker-pkg pulls an image's published dependencies before building it: in-tree parents that this run does
     * not build (already in the registry) and references outside the tree. Base images were pulled at the start.
     */
    private void pullParents(TreeImage image, BuildPlan plan) throws EngineException, InterruptedException {
        List<String> refs = new ArrayList<>();
        for (String parent : image.parents()) {
            PlannedImage pp = plan.get(parent);
            if (pp.action() == Action.NONE && pp.state() == org.imagetree.plan.ImageState.PUBLISHED) refs.add(pp.label());
        }
        refs.addAll(image.externals());
        for (String ref : refs) {
            if (config.baseImages().contains(ref)) continue;
            if (engine.inspect(ref).isPresent()) continue;
            pullWithRetry(ref, image.name());
        }
    }

    /** Builds the image; returns the id the engine reported. */
    private String build(TreeImage image, ExecuteOptions options, Map<String, String> labels, Path runDir) throws EngineException, IOException, InterruptedException {
        Path tmp = Files.createTempDirectory(runDir, image.name() + "-");
        try {
            Path dir = image.definition().directory();
            Path context = BuildContextWriter.assemble(dir, tmp.resolve("context"), image.dockerfile(), image.definition().contextRoot());
            BuildRequest req = new BuildRequest(context, List.of(image.label()), Verifier.proxyBuildArgs(config), labels,
                    !options.useCache(), limits());
            listener.log(image.name(), "building " + image.label());
            String id = engine.build(req, line -> listener.log(image.name(), line));
            if (Thread.interrupted()) throw new InterruptedException();
            return id;
        } finally {
            ScratchDirectories.delete(tmp);
        }
    }

    /**
     * Pushes the version tag and checks what the registry serves for it (see {@link #confirmPublished}); then sets the
     * other tags ({@code latest}) to that digest by a manifest PUT of the published manifest, and asks again: the
     * digest returned is the one the registry serves at the end. The image is pushed request by request
     * ({@link ImagePublisher}: each request retried on its own, uploads resumed, blobs mounted, the manifest last), not
     * through the engine, whose push gives up at the first 5xx inside a layer upload.
     *
     * @param source the local image: the id the build gave, or the label
     * @param bases  the images it is built on (its layers they hold are mounted, not uploaded)
     */
    private Published publish(TreeImage image, String source, List<String> bases, ImagePublisher publisher, List<String> pushed)
            throws EngineException, RegistryException, InterruptedException {
        String ours = publisher.push(source, image.label(), bases, line -> listener.log(image.name(), line)).digest();
        pushed.add(image.tag());
        String served = confirmPublished(image, ours);
        setExtraTags(image, served, pushed);
        String now = servedDigest(image.label()).orElseThrow(() -> new EngineException("pushed " + image.label()
                + " but the registry no longer has it"));
        if (!now.equals(served)) {
            listener.log(image.name(), "another run published " + image.label() + " as " + now + " meanwhile");
            setExtraTags(image, now, pushed);
            served = now;
        }
        return new Published(served, served.equals(ours));
    }

    /** The references an image is built on: its in-tree parents' labels and the images outside the tree it names. */
    private static List<String> bases(TreeImage image, BuildPlan plan) {
        List<String> out = new ArrayList<>();
        for (String parent : image.parents()) out.add(plan.get(parent).label());
        out.addAll(image.externals());
        return out;
    }

    /**
     * Points every tag the build pushes besides the version tag at {@code digest}: a manifest PUT of the published
     * manifest's exact bytes (no rebuild, no push). Returns the tags set.
     */
    private List<String> setExtraTags(TreeImage image, String digest, List<String> pushed) throws EngineException, InterruptedException {
        List<String> set = new ArrayList<>();
        for (String extra : org.imagetree.plan.Planner.extraTags(image.label())) {
            if (extra.equals(image.label())) continue;
            String tag = extra.substring(extra.lastIndexOf(':') + 1);
            ImageReference at = ImageReference.parse(extra);
            ImageReference byDigest = new ImageReference(at.registry(), at.repository(), null, digest);
            org.imagetree.registry.Manifest m = registry.getManifest(byDigest).orElseThrow(() ->
                    new EngineException("the registry no longer has " + image.repository() + "@" + digest + " to tag it " + tag));
            registry.putManifest(at, m.mediaType(), m.content());
            listener.log(image.name(), "set " + extra + " to " + digest);
            pushed.add(tag);
            set.add(tag);
        }
        return set;
    }

    /**
     * A pull through the engine, retried with bounded backoff (the engine does not retry a manifest fetch that got a
     * 5xx or a reset); the retries are told on {@code who}'s log. Gives up at once on what retrying cannot fix.
     */
    private void pullWithRetry(String reference, String who) throws EngineException, InterruptedException {
        new EngineRetry(pullRetry).run("pull of " + reference, line -> listener.log(who, line), () -> {
            engine.pull(reference, auth(reference), line -> listener.log(who, line));
            return null;
        });
    }

    /**
     * The image counts as published only when the registry answers its tag with the pushed digest. If another
     * run published the same name:tag in the meantime (two builds of one tree), the registry's manifest wins
     * provided it is complete: the tag then points at a whole image, just not at our bytes.
     */
    private String confirmPublished(TreeImage image, String pushed) throws EngineException {
        ImageReference ref = ImageReference.parse(image.label());
        Optional<ManifestDescriptor> m = registry.headManifest(ref);
        if (m.isEmpty()) throw new EngineException("pushed " + image.label() + " but the registry does not have it");
        if (m.get().digest().equals(pushed)) return pushed;
        String other = m.get().digest();
        if (!complete(ref, other)) {
            throw new EngineException("pushed " + image.label() + " as " + pushed + " but the registry answers " + other);
        }
        listener.log(image.name(), "another run published " + image.label() + " as " + other + " meanwhile; keeping it");
        return other;
    }

    /** Whether the registry holds the manifest with this digest and every blob it references. */
    private boolean complete(ImageReference ref, String digest) {
        Optional<org.imagetree.registry.Manifest> m = registry.getManifest(new ImageReference(ref.registry(), ref.repository(), null, digest));
        if (m.isEmpty() || !m.get().digest().equals(digest)) return false;
        java.util.regex.Matcher blobs = java.util.regex.Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"")
                .matcher(m.get().contentAsString());
        boolean any = false;
        while (blobs.find()) {
            any = true;
            if (!registry.blobExists(ref.registry(), ref.repository(), blobs.group(1))) return false;
        }
        return any;
    }

    private Optional<RegistryAuth> auth(String reference) {
        if (!config.hasCredentials()) return Optional.empty();
        String host;
        try {
            host = ImageReference.parse(reference).registry();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!host.equals(config.registry())) return Optional.empty();
        return RegistryAuth.of(config);
    }

    private ResourceLimits limits() {
        Optional<String> spec = config.containerLimits();
        if (spec.isEmpty()) return ResourceLimits.NONE;
        try {
            return ResourceLimits.parse(spec.get());
        } catch (IllegalArgumentException e) {
            throw new org.imagetree.InputError("container_limits: " + e.getMessage());
        }
    }

}
