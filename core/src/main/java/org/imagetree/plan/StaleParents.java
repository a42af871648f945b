package org.imagetree.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;
import org.imagetree.registry.Manifest;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Finds published images whose parent changed since they were built: the digest recorded in
 * {@link BaseImageOf#DIGEST_LABEL} of the image's config is neither the parent's current manifest digest nor its
 * current config digest (= the local image id recorded when the parent was built in the same unpublished run).
 * Images without the label (built before it existed) are not judged. Costs a manifest and a config request per
 * published image and per external parent.
 */
final class StaleParents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RegistryClient registry;
    private final int lookups;

    StaleParents(RegistryClient registry, int lookups) {
        this.registry = registry;
        this.lookups = lookups;
    }

    /** What the registry has for one reference: manifest digest, config digest and config labels. */
    private record Remote(String manifestDigest, String configDigest, Map<String, String> labels) {}

    /**
     * @param candidates published images to judge (names)
     * @return name → reason, for the stale ones
     */
    Map<String, String> find(ImageTree tree, Set<String> candidates, List<String> warnings) {
        Map<String, String> refs = new LinkedHashMap<>(); // reference → label or external ref
        Map<String, BaseImageOf.Parent> parents = new LinkedHashMap<>();
        for (String n : candidates) {
            Optional<BaseImageOf.Parent> p = BaseImageOf.of(tree.get(n), tree);
            if (p.isEmpty()) continue;
            parents.put(n, p.get());
            refs.put(tree.get(n).label(), n);
            String parentRef = p.get().inTree().map(x -> tree.get(x).label()).orElse(p.get().reference());
            refs.put(parentRef, parentRef);
        }
        Map<String, Optional<Remote>> remote = fetchAll(refs.keySet(), warnings);
        Map<String, String> stale = new LinkedHashMap<>();
        for (Map.Entry<String, BaseImageOf.Parent> e : parents.entrySet()) {
            TreeImage image = tree.get(e.getKey());
            Optional<Remote> self = remote.getOrDefault(image.label(), Optional.empty());
            if (self.isEmpty()) continue;
            String recorded = self.get().labels().get(BaseImageOf.DIGEST_LABEL);
            if (recorded == null) continue;
            BaseImageOf.Parent parent = e.getValue();
            String parentRef = parent.inTree().map(x -> tree.get(x).label()).orElse(parent.reference());
            Optional<Remote> now = remote.getOrDefault(parentRef, Optional.empty());
            if (now.isEmpty()) continue; // parent unknown to the registry: the plan builds or blocks it anyway
            if (recorded.equals(now.get().manifestDigest()) || recorded.equals(now.get().configDigest())) continue;
            stale.put(e.getKey(), "stale: parent " + parentRef + " is now " + shortDigest(now.get().manifestDigest())
                    + ", built on " + shortDigest(recorded));
        }
        return stale;
    }

    private static String shortDigest(String d) {
        return d.length() > 19 ? d.substring(0, 19) : d;
    }

    private Map<String, Optional<Remote>> fetchAll(Set<String> refs, List<String> warnings) {
        Map<String, Optional<Remote>> out = new ConcurrentHashMap<>();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(lookups, r -> {
            Thread t = new Thread(r, "imagetree-stale");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (String ref : refs) {
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        out.put(ref, fetch(ref));
                    } catch (RegistryException | IllegalArgumentException | IOException e) {
                        problems.add("stale check of " + ref + " failed: " + e.getMessage());
                        out.put(ref, Optional.empty());
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        warnings.addAll(problems);
        return out;
    }

    private Optional<Remote> fetch(String ref) throws IOException {
        ImageReference r = ImageReference.parse(ref);
        Optional<Manifest> m = registry.getManifest(r);
        if (m.isEmpty()) return Optional.empty();
        JsonNode manifest = JSON.readTree(m.get().content());
        String configDigest = manifest.path("config").path("digest").asText(null);
        if (configDigest == null) return Optional.of(new Remote(m.get().digest(), null, Map.of())); // an index: not judged
        Optional<byte[]> config = registry.getBlob(r.registry(), r.repository(), configDigest);
        Map<String, String> labels = new LinkedHashMap<>();
        if (config.isPresent()) {
            JSON.readTree(config.get()).path("config").path("Labels").fields()
                    .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        }
        return Optional.of(new Remote(m.get().digest(), configDigest, labels));
    }
}
