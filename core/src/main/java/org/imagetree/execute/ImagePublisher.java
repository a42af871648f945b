package org.imagetree.execute;

import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ImagePusher;
import org.imagetree.registry.KnownLayers;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.PushableImage;
import org.imagetree.registry.PushedImages;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Publishes local images of the engine to a registry, request by request: the image is exported from the engine
 * ({@link ImageExport}: config and layers verified against the image id and the config's {@code diff_id}s), its layers
 * that the registry already holds (those of its base, of images pushed before) named by their blobs, the others
 * compressed, and it is pushed with {@link ImagePusher}: every request retried on its own, uploads resumed or restarted,
 * blobs mounted across repositories, a bounded number of uploads at once, the manifest last; the digest the registry
 * answers for the manifest is checked against the manifest's own. Callers then ask what the tag serves (another run
 * may have pushed it meanwhile) and decide.
 *
 * <p>This is what tree builds, {@code blubber build --publish} and the service pipeline publish with: the engine's own
 * push gives up on the first 5xx inside a layer upload. One publisher serves a run (layers shared by its images are
 * compressed once and uploaded once); {@link #close()} deletes its scratch directory. Thread-safe.
 */
public final class ImagePublisher implements AutoCloseable {
    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final KnownLayers known;
    private final PushedImages pushedImages;
    private final ImagePusher pusher;
    private final ImageExport export;
    private final Path dir;

    /**
     * What was published: the manifest pushed (its exact bytes and digest) and what became of its blobs (all zero when
     * the repository had the image already from this publisher: only the tag was set).
     */
    public record Published(String reference, String digest, Manifest manifest, int uploaded, int mounted, int present) {}

    /**
     * Exports made or being made ({@link #prepare}), per image id and registry: a second tag of an image is not exported
     * again, and a push waits for the export a {@code prepare} started.
     */
    private final Map<String, CompletableFuture<ImageExport.Exported>> exports = new ConcurrentHashMap<>();
    /** {@code id@registry/repository} this publisher pushed an image to: another tag there is a manifest PUT. */
    private final Set<String> pushedTo = ConcurrentHashMap.newKeySet();
    /** {@code registry@digest} → repositories this publisher made the blob available in. */
    private final Map<String, Set<String>> blobsIn = new ConcurrentHashMap<>();

    /**
     * @param workDir where the scratch directory (mode 0700: spooled and compressed layers) is made; deleted by
     *                {@link #close()}
     */
    public ImagePublisher(ContainerEngine engine, RegistryClient registry, Path workDir) {
        this(engine, registry, workDir, null);
    }

    /**
     * @param layerStore where what pushes made is remembered between runs ({@link KnownLayers#defaultStore}), or null;
     *                   the manifests pushed of each image are kept beside it ({@link PushedImages#besideLayerStore})
     */
    public ImagePublisher(ContainerEngine engine, RegistryClient registry, Path workDir, Path layerStore) {
        this.engine = Objects.requireNonNull(engine);
        this.registry = Objects.requireNonNull(registry);
        try {
            Files.createDirectories(workDir);
            this.dir = Files.createTempDirectory(workDir, "imagetree-push-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory in " + workDir + ": " + e.getMessage(), e);
        }
        this.known = new KnownLayers(registry, layerStore);
        this.pushedImages = new PushedImages(PushedImages.besideLayerStore(layerStore));
        this.pusher = new ImagePusher(registry, dir);
        this.export = new ImageExport(engine, dir, Math.min(registry.options().parallelUploads(),
                Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    public RegistryClient registry() { return registry; }

    /** Layers this publisher compressed (each once), for figures and tests. */
    public int layersCompressed() { return export.compressions(); }

    /**
     * Pushes the local image {@code source} (an id or a reference the engine knows) as {@code target}
     * ({@code registry/repository:tag}).
     *
     * @param bases images {@code source} is built on (its parents, its {@code FROM}s): their layers in the target
     *              registry are mounted, not uploaded. The base the image records ({@link BaseImageOf#NAME_LABEL}) is
     *              added.
     * @param log   progress: what was uploaded or mounted, the result
     * @return the digest the registry answered for the manifest pushed (the sha256 of its bytes)
     * @throws EngineException   when the engine cannot export the image or the export does not verify
     * @throws RegistryException naming the request, status and attempts of the registry request that failed
     */
    public Published push(String source, String target, Collection<String> bases, Consumer<String> log)
            throws EngineException, InterruptedException {
        ImageReference ref = ImageReference.parse(target);
        if (ref.tag() == null) throw new IllegalArgumentException("a push target needs a tag: " + target);
        ContainerEngine.LocalImage local = engine.inspect(source).orElseThrow(() -> new EngineException("no local image " + source + " to push"));
        String where = local.id() + "@" + ref.registry() + "/" + ref.repository();
        CompletableFuture<ImageExport.Exported> made = exports.get(local.id() + "@" + ref.registry());
        ImageExport.Exported done = made != null && made.isDone() && !made.isCompletedExceptionally() ? made.join() : null;
        if (done != null && pushedTo.contains(where)) {
            PushableImage image = done.image();
            String digest = registry.putManifest(ref, image.mediaType(), image.manifest());
            log.accept("set " + target + " to " + digest);
            return new Published(target, digest, new Manifest(image.manifest(), image.mediaType(), digest), 0, 0, 0);
        }
        if (made == null) {
            Optional<Published> again = pushAgain(local, target, ref, log);
            if (again.isPresent()) return again.get();
        }
        long t0 = System.nanoTime();
        ImageExport.Exported exported = done != null ? done : exportOnce(local, ref.registry(), bases, log);
        long t1 = System.nanoTime();
        exported.tarSizes().forEach(known::rememberTarSize);
        String registryHost = ref.registry();
        ImagePusher.Pushed pushed = pusher.push(exported.image(), ref, log,
                digest -> List.copyOf(blobsIn.getOrDefault(registryHost + "@" + digest, Set.of())));
        remember(local, ref, exported, pushed.digest());
        log.accept(String.format("pushed %s %s: %d blob(s) uploaded, %d mounted, %d already there (export %.1f s, push %.1f s)",
                target, pushed.digest(), pushed.uploaded(), pushed.mounted(), pushed.present(), (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9));
        return published(target, exported.image(), pushed);
    }

    /**
     * What a push of {@code exported} to {@code ref} made known, for this publisher's other tags and repositories and
     * for later runs: the repository it is in, where its blobs are, its layers, and the manifest pushed.
     */
    private void remember(ContainerEngine.LocalImage local, ImageReference ref, ImageExport.Exported exported, String digest) {
        pushedTo.add(local.id() + "@" + ref.registry() + "/" + ref.repository());
        for (PushableImage.Blob b : exported.image().blobs()) {
            blobsIn.computeIfAbsent(ref.registry() + "@" + b.digest(), d -> ConcurrentHashMap.newKeySet()).add(ref.repository());
        }
        for (int i = 0; i < exported.diffIds().size(); i++) {
            known.remember(ref.registry(), ref.repository(), exported.diffIds().get(i), exported.layerDigests().get(i),
                    exported.layerSizes().get(i));
        }
        pushedImages.remember(ref.registry(), ref.repository(), local.id(), exported.image().mediaType(), exported.image().manifest(), digest);
    }

    private static Published published(String target, PushableImage image, ImagePusher.Pushed pushed) {
        return new Published(target, pushed.digest(), new Manifest(image.manifest(), image.mediaType(), pushed.digest()),
                pushed.uploaded(), pushed.mounted(), pushed.present());
    }

    /**
     * Pushes {@code local} as the manifest an earlier push made of it ({@link PushedImages}), without exporting it: the
     * manifest put straight away where the repository had it (the registry checks its blobs), else its blobs mounted
     * (or found) first. Empty when there is no such manifest, or the registry no longer has its blobs (then forgotten).
     */
    private Optional<Published> pushAgain(ContainerEngine.LocalImage local, String target, ImageReference ref, Consumer<String> log) {
        Optional<PushedImages.Pushed> found = pushedImages.find(ref.registry(), local.id(), local.layers().size());
        if (found.isEmpty()) return Optional.empty();
        PushedImages.Pushed earlier = found.get();
        PushableImage image = earlier.image();
        long t0 = System.nanoTime();
        ImagePusher.Pushed pushed;
        try {
            if (earlier.repositories().contains(ref.repository())) {
                String digest = registry.putManifest(ref, image.mediaType(), image.manifest());
                if (!digest.equals(image.digest())) return Optional.empty(); // the registry rewrote it: export as usual
                pushed = new ImagePusher.Pushed(digest, 0, 0, image.blobs().size());
            } else {
                String registryHost = ref.registry();
                pushed = pusher.push(image, ref, log, digest -> List.copyOf(blobsIn.getOrDefault(registryHost + "@" + digest, Set.of())));
            }
        } catch (RegistryException e) {
            boolean gone = e.status() == 404 || e.errorCode().map(c -> c.endsWith("BLOB_UNKNOWN")).orElse(false);
            if (!gone) throw e;
            log.accept("the registry no longer has the blobs " + local.id() + " was pushed with: exporting it again");
            pushedImages.forget(ref.registry(), local.id(), earlier.digest());
            return Optional.empty();
        }
        List<Map.Entry<String, Long>> layers = earlier.layers();
        List<String> digests = layers.stream().map(Map.Entry::getKey).toList();
        List<Long> sizes = layers.stream().map(Map.Entry::getValue).toList();
        ImageExport.Exported asBefore = new ImageExport.Exported(image, local.id(), local.layers(), digests, sizes, Map.of());
        exports.put(local.id() + "@" + ref.registry(), CompletableFuture.completedFuture(asBefore));
        remember(local, ref, asBefore, pushed.digest());
        log.accept(String.format("pushed %s %s as pushed before, without an export: %d blob(s) mounted, %d already there (push %.1f s)",
                target, pushed.digest(), pushed.mounted(), pushed.present(), (System.nanoTime() - t0) / 1e9));
        return Optional.of(published(target, image, pushed));
    }

    /**
     * Makes ready, ahead of its push to {@code registryHost}, the export of the local image {@code source}: what a
     * service pipeline does while the stages before the one that publishes still run. Nothing is sent to the registry
     * (it is asked which layers it holds); the push then uses this export, or waits for it. Nothing is done for an
     * image exported or pushed before.
     *
     * @param bases as for {@link #push}
     */
    public void prepare(String source, String registryHost, Collection<String> bases, Consumer<String> log)
            throws EngineException, InterruptedException {
        ContainerEngine.LocalImage local = engine.inspect(source).orElseThrow(() -> new EngineException("no local image " + source + " to push"));
        if (exports.containsKey(local.id() + "@" + registryHost)) return;
        if (pushedImages.find(registryHost, local.id(), local.layers().size()).isPresent()) return;
        exportOnce(local, registryHost, bases, log);
    }

    /** The export of {@code local} for {@code registryHost}: made once, the callers that come meanwhile waiting for it. */
    private ImageExport.Exported exportOnce(ContainerEngine.LocalImage local, String registryHost, Collection<String> bases, Consumer<String> log)
            throws EngineException, InterruptedException {
        String key = local.id() + "@" + registryHost;
        CompletableFuture<ImageExport.Exported> mine = new CompletableFuture<>();
        CompletableFuture<ImageExport.Exported> theirs = exports.putIfAbsent(key, mine);
        if (theirs != null) {
            try {
                return theirs.get();
            } catch (ExecutionException e) {
                exports.remove(key, theirs); // that export failed (or was interrupted): this caller makes its own
                return exportOnce(local, registryHost, bases, log);
            }
        }
        try {
            ImageExport.Exported exported = export(local, registryHost, bases, log);
            mine.complete(exported);
            return exported;
        } catch (EngineException | InterruptedException | RuntimeException | Error e) {
            exports.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Exports {@code local} for a push to {@code registryHost}: the layers it holds (of the bases, of earlier pushes) reused. */
    private ImageExport.Exported export(ContainerEngine.LocalImage local, String registryHost, Collection<String> bases, Consumer<String> log)
            throws EngineException, InterruptedException {
        List<String> hints = new ArrayList<>(bases);
        Optional.ofNullable(local.labels().get(BaseImageOf.NAME_LABEL)).ifPresent(hints::add);
        for (String base : hints) {
            try {
                ImageReference b = ImageReference.parse(base);
                if (b.registry().equals(registryHost)) known.learn(b);
            } catch (IllegalArgumentException ignored) {
                // not a reference (a stage name): nothing to learn
            }
        }
        Map<String, KnownLayers.Known> reuse = new HashMap<>();
        Map<String, Long> tarSizes = new HashMap<>();
        for (String diffId : local.layers()) {
            if (reuse.containsKey(diffId)) continue;
            Optional<KnownLayers.Known> k = known.find(registryHost, diffId).flatMap(c -> confirmed(c, diffId));
            if (k.isEmpty()) continue;
            reuse.put(diffId, k.get());
            known.tarSize(diffId).ifPresent(size -> tarSizes.put(diffId, size));
        }
        return export.export(local.id(), reuse, tarSizes, log);
    }

    /**
     * {@code k} when it was learnt in this run; else (an entry of the store, from an earlier run) once the registry
     * says one of its repositories still has the blob. An entry the registry denies is forgotten.
     */
    private Optional<KnownLayers.Known> confirmed(KnownLayers.Known k, String diffId) {
        if (k.verified()) return Optional.of(k);
        for (String repository : k.repositories()) {
            if (registry.blobExists(k.registry(), repository, k.digest())) {
                known.confirm(k.registry(), repository, diffId, k.digest(), k.size());
                return Optional.of(new KnownLayers.Known(k.registry(), k.digest(), k.size(), List.of(repository), true));
            }
        }
        known.forget(k.registry(), diffId, k.digest());
        return Optional.empty();
    }

    @Override
    public void close() {
        ScratchDirectories.delete(dir); // a run directory's leftovers are removed by the next run
    }
}
