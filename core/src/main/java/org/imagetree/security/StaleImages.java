package org.imagetree.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.imagetree.InputError;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * What to redeploy: images whose recorded base ({@link BaseImageOf#NAME_LABEL}, {@link BaseImageOf#DIGEST_LABEL}) is no
 * longer what the base's tag points at, and — given a Kubernetes pod list ({@code kubectl get pods -A -o json}) — the
 * workloads running a stale image, or running an older digest than the one their image's tag now points at. Costs a
 * manifest and a config request per image and one manifest request per distinct base; nothing else is read.
 */
public final class StaleImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RegistryClient registry;
    private final int threads;

    public StaleImages(RegistryClient registry, int threads) {
        this.registry = registry;
        this.threads = Math.max(1, threads);
    }

    /**
     * One image judged.
     *
     * @param digest   the manifest digest its reference points at now (empty when not in the registry)
     * @param base     the recorded base reference (empty when the image records none)
     * @param recorded the recorded base digest
     * @param current  what the base's tag points at now (empty when unknown)
     */
    public record Image(String reference, String digest, String base, String recorded, String current, boolean stale, String note) {}

    /** A workload running a stale or outdated image. */
    public record Workload(String namespace, String kind, String name, String pod, String container, String image, String reason) {}

    public record Report(List<Image> images, List<Workload> workloads) {
        public Report {
            images = List.copyOf(images);
            workloads = List.copyOf(workloads);
        }

        public List<Image> stale() { return images.stream().filter(Image::stale).toList(); }

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
                return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String text() {
            StringBuilder b = new StringBuilder();
            for (Image i : images) {
                if (i.stale()) {
                    b.append("stale: ").append(i.reference()).append(" was built on ").append(i.base()).append(" at ")
                            .append(ScanReport.shortDigest(i.recorded())).append(", which is now ").append(ScanReport.shortDigest(i.current()))
                            .append(": rebuild and redeploy\n");
                } else if (!i.note().isEmpty()) {
                    b.append("unknown: ").append(i.reference()).append(": ").append(i.note()).append('\n');
                }
            }
            for (Workload w : workloads) {
                b.append("redeploy: ").append(w.namespace()).append('/').append(w.kind()).append('/').append(w.name())
                        .append(" (pod ").append(w.pod()).append(", container ").append(w.container()).append("): ")
                        .append(w.reason()).append('\n');
            }
            long stale = images.stream().filter(Image::stale).count();
            b.append(images.size()).append(" image").append(images.size() == 1 ? "" : "s").append(" checked, ").append(stale)
                    .append(" stale");
            b.append(", ").append(workloads.size()).append(" workload container").append(workloads.size() == 1 ? "" : "s").append(" to redeploy\n");
            return b.toString();
        }
    }

    /** Judges {@code references}; with {@code pods}, also every image the pods run, and lists the workloads to redeploy. */
    public Report check(List<String> references, Optional<Path> pods) {
        return check(references, pods.map(StaleImages::readPods).orElse(List.of()), Map.of());
    }

    /** The images of a pod list ({@code kubectl get pods -A -o json}), each once. */
    public static List<String> podImages(Path pods) {
        return readPods(pods).stream().map(PodContainer::image).distinct().toList();
    }

    /**
     * As {@link #check(List, Optional)}, and workloads running an image of {@code outdated} (reference → why, e.g. the
     * packages with security updates pending) are listed too.
     */
    public Report check(List<String> references, Optional<Path> pods, Map<String, String> outdated) {
        return check(references, pods.map(StaleImages::readPods).orElse(List.of()), outdated);
    }

    private Report check(List<String> references, List<PodContainer> containers, Map<String, String> outdated) {
        Set<String> all = new LinkedHashSet<>(references);
        for (PodContainer c : containers) all.add(c.image());
        for (String r : all) {
            try {
                ImageReference.parse(r);
            } catch (IllegalArgumentException e) {
                throw new InputError("'" + r + "' is not an image reference: " + e.getMessage());
            }
        }
        Map<String, CompletableFuture<Optional<Remote>>> remotes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagetree-stale-images");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Image>> futures = new ArrayList<>();
            for (String r : all) futures.add(CompletableFuture.supplyAsync(() -> judge(r, remotes), pool));
            List<Image> images = new ArrayList<>();
            for (CompletableFuture<Image> f : futures) {
                try {
                    images.add(f.join());
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
            return new Report(images.stream().filter(i -> references.contains(i.reference()) || i.stale()).toList(), workloads);
        } finally {
            pool.shutdownNow();
        }
    }

    private record Remote(String manifestDigest, String configDigest, Map<String, String> labels) {}

    private Image judge(String reference, Map<String, CompletableFuture<Optional<Remote>>> remotes) {
        Optional<Remote> self = remote(reference, remotes);
        if (self.isEmpty()) return new Image(reference, "", "", "", "", false, "not in the registry");
        String base = self.get().labels().getOrDefault(BaseImageOf.NAME_LABEL, "");
        String recorded = self.get().labels().getOrDefault(BaseImageOf.DIGEST_LABEL, "");
        if (base.isEmpty() || recorded.isEmpty()) {
            return new Image(reference, self.get().manifestDigest(), base, recorded, "", false,
                    "records no base digest (" + BaseImageOf.DIGEST_LABEL + "): built before it was recorded, or FROM scratch");
        }
        Optional<Remote> now;
        try {
            now = remote(base, remotes);
        } catch (RuntimeException e) {
            return new Image(reference, self.get().manifestDigest(), base, recorded, "", false, "base " + base + " cannot be read: " + e.getMessage());
        }
        if (now.isEmpty()) return new Image(reference, self.get().manifestDigest(), base, recorded, "", false, "base " + base + " is not in the registry");
        boolean same = recorded.equals(now.get().manifestDigest()) || recorded.equals(now.get().configDigest());
        return new Image(reference, self.get().manifestDigest(), base, recorded, now.get().manifestDigest(), !same, "");
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
            Map<String, String> labels = new LinkedHashMap<>();
            Optional<byte[]> config = registry.getBlob(r.registry(), r.repository(), configDigest);
            if (config.isPresent()) {
                JSON.readTree(config.get()).path("config").path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            }
            return Optional.of(new Remote(m.get().digest(), configDigest, labels));
        } catch (IOException | RegistryException e) {
            throw new SecurityScanException(reference + ": " + e.getMessage(), e);
        }
    }

    /** One container of one pod, with the workload that owns the pod. */
    record PodContainer(String namespace, String kind, String owner, String pod, String container, String image, String runningDigest) {
        Workload workload(String reason) { return new Workload(namespace, kind, owner, pod, container, image, reason); }
    }

    static List<PodContainer> readPods(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InputError(file, 0, "not a pod list (kubectl get pods -A -o json): " + e.getMessage(), e);
        }
        JsonNode items = root.has("items") ? root.get("items") : null;
        if (items == null || !items.isArray()) throw new InputError(file, 0, "not a pod list (kubectl get pods -A -o json): no 'items' array");
        List<PodContainer> out = new ArrayList<>();
        for (JsonNode pod : items) {
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
                    out.add(new PodContainer(namespace, kind, owner, podName, name, image, running.get(name)));
                }
            }
        }
        return out;
    }
}
