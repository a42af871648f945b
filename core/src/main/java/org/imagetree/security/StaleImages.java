package org.imagetree.security;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.imagetree.InputError;
import org.imagetree.config.ReadLimits;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.OurRegistries;
import org.imagetree.registry.Digests;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;
import org.imagetree.report.SafeText;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * What to redeploy: images whose recorded base ({@link BaseImageOf#NAME_LABEL}, {@link BaseImageOf#DIGEST_LABEL}) is no
 * longer what the base's tag points at, and — given a Kubernetes pod list ({@code kubectl get pods -A -o json}) — the
 * workloads running a stale image, or running an older digest than the one their image's tag now points at. Costs a
 * manifest and a config request per image and one manifest request per distinct base; nothing else is read.
 *
 * <p>Only our registries ({@link OurRegistries}) are contacted: a pod's image or a recorded base elsewhere is
 * reported "not ours" and not fetched. One image that cannot be read (its registry unreachable, its answers bad) is a
 * row with its error; every other row is judged all the same. The pod list is read as a stream, at most
 * {@link ReadLimits#podsBytes()}.
 */
public final class StaleImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RegistryClient registry;
    private final OurRegistries ours;
    private final ReadLimits limits;
    private final int threads;

    public StaleImages(RegistryClient registry, OurRegistries ours, ReadLimits limits, int threads) {
        this.registry = registry;
        this.ours = ours;
        this.limits = limits;
        this.threads = Math.max(1, threads);
    }

    /**
     * One image judged.
     *
     * @param digest   the manifest digest its reference points at now (empty when not in the registry)
     * @param base     the recorded base reference (empty when the image records none)
     * @param recorded the recorded base digest
     * @param current  what the base's tag points at now (empty when unknown)
     * @param note     why it could not be judged, when that is not a failure (not ours, records no base, …)
     * @param error    why it could not be read (a failure: the command's exit status says so)
     */
    public record Image(String reference, String digest, String base, String recorded, String current, boolean stale, String note,
                        String error) {
        public Image(String reference, String digest, String base, String recorded, String current, boolean stale, String note) {
            this(reference, digest, base, recorded, current, stale, note, "");
        }

        static Image failed(String reference, String error) { return new Image(reference, "", "", "", "", false, "", error); }

        static Image noted(String reference, String note) { return new Image(reference, "", "", "", "", false, note, ""); }

        public boolean failed() { return !error.isEmpty(); }
    }

    /** A workload running a stale or outdated image. */
    public record Workload(String namespace, String kind, String name, String pod, String container, String image, String reason) {}

    public record Report(List<Image> images, List<Workload> workloads) {
        public Report {
            images = List.copyOf(images);
            workloads = List.copyOf(workloads);
        }

        public List<Image> stale() { return images.stream().filter(Image::stale).toList(); }

        /** Whether some image could not be read (its row says why). */
        public boolean failed() { return images.stream().anyMatch(Image::failed); }

        public String json() {
            Map<String, Object> root = new LinkedHashMap<>();
            List<Map<String, Object>> is = new ArrayList<>();
            for (Image i : images) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("reference", i.reference());
                o.put("digest", i.digest());
                o.put("base", i.base());
                o.put("recorded", i.recorded());
                o.put("current", i.current());
                o.put("stale", i.stale());
                if (!i.note().isEmpty()) o.put("note", i.note());
                if (!i.error().isEmpty()) o.put("error", i.error());
                is.add(o);
            }
            root.put("images", is);
            List<Map<String, Object>> ws = new ArrayList<>();
            for (Workload w : workloads) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("namespace", w.namespace());
                o.put("kind", w.kind());
                o.put("name", w.name());
                o.put("pod", w.pod());
                o.put("container", w.container());
                o.put("image", w.image());
                o.put("reason", w.reason());
                ws.add(o);
            }
            root.put("workloads", ws);
            try {
                return SafeText.json(JSON.copy()).enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String text() {
            StringBuilder b = new StringBuilder();
            for (Image i : images) {
                String ref = SafeText.escape(i.reference());
                if (i.failed()) {
                    b.append("error: ").append(ref).append(": ").append(SafeText.escape(i.error())).append('\n');
                } else if (i.stale()) {
                    b.append("stale: ").append(ref).append(" was built on ").append(SafeText.escape(i.base())).append(" at ")
                            .append(ScanReport.shortDigest(i.recorded())).append(", which is now ").append(ScanReport.shortDigest(i.current()))
                            .append(": rebuild and redeploy\n");
                } else if (!i.note().isEmpty()) {
                    b.append("unknown: ").append(ref).append(": ").append(SafeText.escape(i.note())).append('\n');
                }
            }
            for (Workload w : workloads) {
                b.append("redeploy: ").append(SafeText.escape(w.namespace())).append('/').append(SafeText.escape(w.kind())).append('/')
                        .append(SafeText.escape(w.name())).append(" (pod ").append(SafeText.escape(w.pod())).append(", container ")
                        .append(SafeText.escape(w.container())).append("): ").append(SafeText.escape(w.reason())).append('\n');
            }
            long stale = images.stream().filter(Image::stale).count();
            long failed = images.stream().filter(Image::failed).count();
            b.append(images.size()).append(" image").append(images.size() == 1 ? "" : "s").append(" checked, ").append(stale)
                    .append(" stale");
            b.append(", ").append(workloads.size()).append(" workload container").append(workloads.size() == 1 ? "" : "s").append(" to redeploy");
            if (failed > 0) b.append(", ").append(failed).append(" not read");
            b.append('\n');
            return b.toString();
        }
    }

    /** Judges {@code references}; with {@code pods}, also every image the pods run, and lists the workloads to redeploy. */
    public Report check(List<String> references, Optional<Path> pods) {
        return check(references, pods, null);
    }

    /**
     * As {@link #check(List, Optional)}; with {@code scan}, the images of our registries (those given and those the pods
     * run) are also scanned for security updates, and workloads running an image with updates pending are listed too.
     * An image the scan could not read is a row with that error.
     *
     * @param scan scans references (e.g. {@code ImageTreeEngine::securityScan}); null for none
     */
    public Report check(List<String> references, Optional<Path> pods, Function<List<String>, ScanReport> scan) {
        for (String r : references) {
            try {
                ImageReference.parse(r);
            } catch (IllegalArgumentException e) {
                throw new InputError("'" + SafeText.escape(r) + "' is not an image reference: " + e.getMessage());
            }
        }
        List<PodContainer> containers = pods.map(p -> readPods(p, limits.podsBytes())).orElse(List.of());
        Set<String> all = new LinkedHashSet<>(references);
        for (PodContainer c : containers) all.add(c.image());
        Map<String, String> outdated = new HashMap<>();
        Map<String, String> scanErrors = new HashMap<>();
        if (scan != null) {
            List<String> readable = all.stream().filter(ours::contains).toList();
            if (!readable.isEmpty()) {
                for (ScanReport.ImageScan i : scan.apply(readable).images()) {
                    if (i.failed()) {
                        scanErrors.put(i.reference(), "security scan: " + i.error().orElseThrow());
                    } else if (i.outdated()) {
                        outdated.put(i.reference(), String.join(", ", i.packages().stream()
                                .map(p -> p.name() + " " + p.installed() + " -> " + p.available()).toList()));
                    }
                }
            }
        }
        Set<String> given = Set.copyOf(references);
        Map<String, CompletableFuture<Optional<Remote>>> remotes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagetree-stale-images");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Image>> futures = new ArrayList<>();
            for (String r : all) futures.add(CompletableFuture.supplyAsync(() -> judge(r, given.contains(r), remotes), pool));
            List<Image> images = new ArrayList<>();
            for (CompletableFuture<Image> f : futures) {
                try {
                    Image i = f.join();
                    String scanError = scanErrors.get(i.reference());
                    if (scanError != null && !i.failed()) {
                        i = new Image(i.reference(), i.digest(), i.base(), i.recorded(), i.current(), i.stale(), i.note(), scanError);
                    }
                    images.add(i);
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw e;
                }
            }
            Map<String, Image> byRef = new LinkedHashMap<>();
            for (Image i : images) byRef.put(i.reference(), i);
            List<Workload> workloads = new ArrayList<>();
            for (PodContainer c : containers) {
                Image i = byRef.get(c.image());
                if (i == null) continue;
                String running = c.runningDigest();
                if (running != null && !i.digest().isEmpty() && !running.equals(i.digest())) {
                    workloads.add(c.workload("runs " + ScanReport.shortDigest(running) + ", " + c.image() + " is now "
                            + ScanReport.shortDigest(i.digest())));
                } else if (i.stale()) {
                    workloads.add(c.workload(c.image() + " is stale: its base " + i.base() + " moved on; rebuild it, then redeploy"));
                } else if (outdated.containsKey(c.image())) {
                    workloads.add(c.workload(c.image() + " has security updates pending: " + outdated.get(c.image())));
                }
            }
            return new Report(images, workloads);
        } finally {
            pool.shutdownNow();
        }
    }

    private record Remote(String manifestDigest, String configDigest, Map<String, String> labels) {}

    /** @param given whether the caller named it (an image of theirs elsewhere is an error; a pod's is only noted) */
    private Image judge(String reference, boolean given, Map<String, CompletableFuture<Optional<Remote>>> remotes) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            return Image.failed(reference, "a pod runs '" + SafeText.escape(reference) + "', which is not an image reference");
        }
        if (!ours.test(ref.registry())) {
            return given ? Image.failed(reference, ours.notOurs(ref.registry())) : Image.noted(reference, ours.notOurs(ref.registry()));
        }
        Optional<Remote> self;
        try {
            self = remote(reference, remotes);
        } catch (SecurityScanException | RegistryException e) {
            return Image.failed(reference, e.getMessage());
        }
        if (self.isEmpty()) return new Image(reference, "", "", "", "", false, "not in the registry");
        String base = self.get().labels().getOrDefault(BaseImageOf.NAME_LABEL, "");
        String recorded = self.get().labels().getOrDefault(BaseImageOf.DIGEST_LABEL, "");
        String digest = self.get().manifestDigest();
        if (base.isEmpty() || recorded.isEmpty()) {
            return new Image(reference, digest, base, recorded, "", false,
                    "records no base digest (" + BaseImageOf.DIGEST_LABEL + "): built before it was recorded, or FROM scratch");
        }
        ImageReference baseRef;
        try {
            baseRef = ImageReference.parse(base);
        } catch (IllegalArgumentException e) {
            return new Image(reference, digest, base, recorded, "", false, "its recorded base is not an image reference");
        }
        if (!Digests.isDigest(recorded)) {
            return new Image(reference, digest, base, recorded, "", false, "its recorded base digest is not a digest");
        }
        if (!ours.test(baseRef.registry())) {
            return new Image(reference, digest, base, recorded, "", false, "its base: " + ours.notOurs(baseRef.registry()));
        }
        Optional<Remote> now;
        try {
            now = remote(base, remotes);
        } catch (SecurityScanException | RegistryException e) {
            return new Image(reference, digest, base, recorded, "", false, "", "its base " + base + " cannot be read: " + e.getMessage());
        }
        if (now.isEmpty()) return new Image(reference, digest, base, recorded, "", false, "base " + base + " is not in the registry");
        boolean same = recorded.equals(now.get().manifestDigest()) || recorded.equals(now.get().configDigest());
        return new Image(reference, digest, base, recorded, now.get().manifestDigest(), !same, "");
    }

    private Optional<Remote> remote(String reference, Map<String, CompletableFuture<Optional<Remote>>> remotes) {
        return AptIndexes.once(remotes, reference, () -> fetch(reference));
    }

    private Optional<Remote> fetch(String reference) {
        ImageReference r = ImageReference.parse(reference);
        try {
            Optional<Manifest> m = registry.getManifest(r);
            if (m.isEmpty()) return Optional.empty();
            JsonNode manifest = JSON.readTree(m.get().content());
            String configDigest = manifest.path("config").path("digest").asText(null);
            if (configDigest == null) return Optional.of(new Remote(m.get().digest(), "", Map.of()));
            if (!Digests.isDigest(configDigest)) throw new SecurityScanException(reference + ": its config digest is not a digest");
            Map<String, String> labels = new LinkedHashMap<>();
            Optional<byte[]> config = registry.getBlob(r.registry(), r.repository(), configDigest);
            if (config.isPresent()) {
                JSON.readTree(config.get()).path("config").path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            }
            return Optional.of(new Remote(m.get().digest(), configDigest, labels));
        } catch (IOException e) {
            throw new SecurityScanException(reference + ": " + SafeText.escape(e.getMessage()), e);
        } catch (RegistryException e) {
            throw new SecurityScanException(reference + ": " + e.getMessage(), e);
        }
    }

    /** One container of one pod, with the workload that owns the pod. */
    record PodContainer(String namespace, String kind, String owner, String pod, String container, String image, String runningDigest) {
        Workload workload(String reason) { return new Workload(namespace, kind, owner, pod, container, image, reason); }
    }

    /**
     * The containers of a pod list ({@code kubectl get pods -A -o json}), read as a stream: one pod at a time is in
     * memory, and only what the report needs of it is kept. At most {@code maxBytes}.
     */
    static List<PodContainer> readPods(Path file, long maxBytes) {
        try {
            if (Files.size(file) > maxBytes) {
                throw new InputError(file, 0, "the pod list is " + Files.size(file) + " bytes, " + ReadLimits.exceeded(maxBytes, ReadLimits.PODS_BYTES));
            }
        } catch (NoSuchFileException e) {
            throw new InputError(file, 0, "no such file");
        } catch (IOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getMessage(), e);
        }
        List<PodContainer> out = new ArrayList<>();
        Map<String, String> strings = new HashMap<>(); // the same namespace, kind, image… once in memory
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
             JsonParser p = JSON.getFactory().createParser(bounded(in, maxBytes, file))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw notAPodList(file, p, "not a JSON object");
            boolean items = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("items")) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) throw notAPodList(file, p, "'items' is not an array");
                items = true;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode pod = JSON.readTree(p);
                    addContainers(pod, out, strings);
                }
                if (p.currentToken() != JsonToken.END_ARRAY) throw notAPodList(file, p, "an item of 'items' is not an object");
            }
            if (!items) throw notAPodList(file, p, "no 'items' array");
        } catch (InputError e) {
            throw e;
        } catch (IOException e) {
            throw new InputError(file, 0, "not a pod list (kubectl get pods -A -o json): " + SafeText.escape(e.getMessage()), e);
        }
        return out;
    }

    private static InputError notAPodList(Path file, JsonParser p, String why) {
        int line = p.currentLocation() == null ? 0 : p.currentLocation().getLineNr();
        return new InputError(file, Math.max(line, 0), "not a pod list (kubectl get pods -A -o json): " + why);
    }

    /** The file's bytes, ending with an error past {@code max} (it may grow while it is read). */
    private static InputStream bounded(InputStream in, long max, Path file) {
        return new java.io.FilterInputStream(in) {
            long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && ++count > max) throw tooBig();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && (count += n) > max) throw tooBig();
                return n;
            }

            private IOException tooBig() {
                return new IOException("the pod list grew past " + ReadLimits.exceeded(max, ReadLimits.PODS_BYTES));
            }
        };
    }

    private static void addContainers(JsonNode pod, List<PodContainer> out, Map<String, String> strings) {
        JsonNode meta = pod.path("metadata");
        String namespace = meta.path("namespace").asText("default");
        String podName = meta.path("name").asText("");
        String kind = "Pod";
        String owner = podName;
        JsonNode ref = meta.path("ownerReferences").path(0);
        if (!ref.isMissingNode()) {
            kind = ref.path("kind").asText("Pod");
            owner = ref.path("name").asText(podName);
            if (kind.equals("ReplicaSet") && owner.matches(".+-[a-z0-9]{5,10}")) { // a Deployment's ReplicaSet
                kind = "Deployment";
                owner = owner.substring(0, owner.lastIndexOf('-'));
            }
        }
        Map<String, String> running = new LinkedHashMap<>();
        for (String statuses : List.of("containerStatuses", "initContainerStatuses")) {
            for (JsonNode s : pod.path("status").path(statuses)) {
                String id = s.path("imageID").asText("");
                int at = id.indexOf("@sha256:");
                if (at >= 0) running.put(s.path("name").asText(), id.substring(at + 1));
            }
        }
        for (String containers : List.of("containers", "initContainers")) {
            for (JsonNode c : pod.path("spec").path(containers)) {
                String image = c.path("image").asText("");
                if (image.isEmpty()) continue;
                String name = c.path("name").asText("");
                out.add(new PodContainer(intern(strings, namespace), intern(strings, kind), intern(strings, owner), podName,
                        intern(strings, name), intern(strings, image), running.get(name)));
            }
        }
    }

    private static String intern(Map<String, String> strings, String s) {
        String seen = strings.putIfAbsent(s, s);
        return seen == null ? s : seen;
    }
}
