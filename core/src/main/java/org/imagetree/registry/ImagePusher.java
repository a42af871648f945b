package org.imagetree.registry;

import org.imagetree.model.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pushes a {@link PushableImage} through the registry API, request by request: every blob made available in the target
 * repository first (skipped when there, mounted from another repository of the registry when one has it, else
 * uploaded with resumable, individually retried requests: {@link RegistryClient#upload}), a bounded number of them at
 * once, and the manifest last, so a tag never names an image whose blobs are not all there. The digest the registry
 * answers for the tag is then checked against the manifest's own.
 *
 * <p>One pusher bounds the uploads in flight across every push made through it (a run's images push at the same time
 * as their builds allow). Thread-safe.
 */
public final class ImagePusher {
    private final RegistryClient client;
    private final Semaphore inFlight;
    private final int parallel;
    private final Path scratch;

    /** What a push did. */
    public record Pushed(String digest, int uploaded, int mounted, int present) {}

    /**
     * @param scratch where a blob that must be copied from another repository (it cannot be mounted) is kept while it
     *                is uploaded; null for the JVM's temporary directory
     */
    public ImagePusher(RegistryClient client, Path scratch) {
        this.client = Objects.requireNonNull(client);
        this.parallel = client.options().parallelUploads();
        this.inFlight = new Semaphore(parallel);
        this.scratch = scratch;
    }

    public RegistryClient client() { return client; }

    /**
     * Pushes {@code image} under {@code target}'s tag (or by digest, when it has none).
     *
     * @param log where each blob's fate is told
     * @return the digest, which the registry answers for {@code target}
     * @throws RegistryException naming the request, status and attempts of what failed; the tag is then untouched
     */
    public Pushed push(PushableImage image, ImageReference target, Consumer<String> log) {
        return push(image, target, log, digest -> List.of());
    }

    /**
     * As {@link #push(PushableImage, ImageReference, Consumer)}, mounting a blob also from the repositories
     * {@code alsoIn} names for its digest (where the caller pushed it before).
     */
    public Pushed push(PushableImage image, ImageReference target, Consumer<String> log, java.util.function.Function<String, List<String>> alsoIn) {
        String registry = target.registry();
        String repository = target.repository();
        Map<String, PushableImage.Blob> blobs = new LinkedHashMap<>();
        for (PushableImage.Blob b : image.blobs()) blobs.putIfAbsent(b.digest(), b);
        AtomicInteger uploaded = new AtomicInteger();
        AtomicInteger mounted = new AtomicInteger();
        AtomicInteger present = new AtomicInteger();
        int threads = Math.max(1, Math.min(parallel, blobs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagetree-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            for (PushableImage.Blob b : blobs.values()) {
                work.add(pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        List<String> sources = new ArrayList<>(b.mountFrom());
                        for (String r : alsoIn.apply(b.digest())) if (!sources.contains(r)) sources.add(r);
                        UploadOutcome o = makeAvailable(registry, repository, new PushableImage.Blob(b.digest(), b.size(), b.content(), sources));
                        (o == UploadOutcome.UPLOADED ? uploaded : o == UploadOutcome.MOUNTED ? mounted : present).incrementAndGet();
                        if (o != UploadOutcome.PRESENT) {
                            log.accept((o == UploadOutcome.UPLOADED ? "uploaded " : "mounted ") + b.digest() + " (" + b.size() + " bytes)");
                        }
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) await(f, work);
        } finally {
            pool.shutdownNow();
        }
        String digest = client.putManifest(target, image.mediaType(), image.manifest());
        if (!digest.equals(image.digest())) {
            throw new RegistryException(registry, 201, "DIGEST_INVALID", registry + ": PUT /v2/" + repository + "/manifests/"
                    + target.reference() + " answered digest " + digest + ", but the manifest pushed has " + image.digest());
        }
        return new Pushed(digest, uploaded.get(), mounted.get(), present.get());
    }

    /** Waits for {@code f}; on its failure the other uploads are cancelled and the failure thrown as it came. */
    private static void await(Future<?> f, List<Future<?>> all) {
        try {
            f.get();
        } catch (InterruptedException e) {
            all.forEach(o -> o.cancel(true));
            Thread.currentThread().interrupt();
            throw new RegistryException("", RegistryException.NO_STATUS, null, "push interrupted", false, null, e);
        } catch (ExecutionException e) {
            all.forEach(o -> o.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new RegistryException("", RegistryException.NO_STATUS, null, "push interrupted", false, null, cause);
            }
            throw new IllegalStateException(cause);
        }
    }

    private UploadOutcome makeAvailable(String registry, String repository, PushableImage.Blob b) {
        if (b.content() != null) return client.upload(registry, repository, b.content(), b.mountFrom());
        // A blob said to be only in other repositories: mounted first (one request, also when the repository has it
        // already); one said to be here too: asked for first.
        boolean mountFirst = BlobUploads.mountFirst(repository, b.mountFrom()) != null;
        if (!mountFirst && client.blobExists(registry, repository, b.digest())) return UploadOutcome.PRESENT;
        for (String from : b.mountFrom()) {
            if (!from.equals(repository) && client.mountBlob(registry, repository, b.digest(), from)) return UploadOutcome.MOUNTED;
        }
        if (mountFirst && client.blobExists(registry, repository, b.digest())) return UploadOutcome.PRESENT;
        // Not mountable (a registry without cross-repository mounts, no pull access to the source): copy it.
        return copy(registry, repository, b);
    }

    /** Downloads {@code b} from a repository that has it (verified against its digest) and uploads it. */
    private UploadOutcome copy(String registry, String repository, PushableImage.Blob b) {
        Path file = null;
        try {
            file = scratch == null ? Files.createTempFile("imagetree-blob-", ".tmp") : Files.createTempFile(scratch, "blob-", ".tmp");
            Path target = file;
            for (String from : b.mountFrom()) {
                Optional<String> digest = client.readBlob(registry, from, b.digest(), in -> {
                    try (InputStream body = in; OutputStream out = Files.newOutputStream(target)) {
                        body.transferTo(out);
                    }
                    return Digests.sha256(target);
                });
                if (digest.isEmpty()) continue;
                if (!digest.get().equals(b.digest())) {
                    throw new RegistryException(registry, 200, "DIGEST_INVALID", registry + ": GET /v2/" + from + "/blobs/" + b.digest()
                            + " answered bytes with digest " + digest.get());
                }
                return client.upload(registry, repository, BlobContent.of(target, b.digest(), Files.size(target)), List.of());
            }
            throw new RegistryException(registry, 404, "BLOB_UNKNOWN", registry + ": blob " + b.digest() + " is in none of "
                    + b.mountFrom() + " any more, and " + repository + " does not have it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a copy of blob " + b.digest() + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // in the scratch directory, which its owner deletes
                }
            }
        }
    }
}
