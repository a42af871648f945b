package org.imagetree.execute;

import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.model.TreeImage;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlannedImage;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The build labels that record what an image was built on ({@link BaseImageOf#NAME_LABEL}, {@link BaseImageOf#DIGEST_LABEL}),
 * so a later plan can tell that the parent moved on. The parent's digest costs no registry request per image:
 * in-tree parents' digests come from this run (published) or the plan (already published); an external
 * parent is asked for once per run. Without a registry digest, the engine's local image id is recorded: for a
 * parent built in this run the id its build returned (no engine request between a parent's build and its
 * children's, which is the critical path of a tree), otherwise the engine is asked.
 * Thread-safe: workers of one run share it.
 */
final class BaseLabels {
    private final BuildPlan plan;
    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final Map<String, String> publishedNow = new ConcurrentHashMap<>();
    private final Map<String, String> builtNow = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> external = new ConcurrentHashMap<>();

    BaseLabels(BuildPlan plan, RegistryClient registry, ContainerEngine engine) {
        this.plan = plan;
        this.registry = registry;
        this.engine = engine;
    }

    /** An image of the plan was published in this run with this manifest digest. */
    void published(String name, String digest) {
        if (digest != null) publishedNow.put(name, digest);
    }

    /**
     * An image of the plan was built in this run and its tag points at {@code imageId} (a full "sha256:…" id; other
     * forms, e.g. a short id, are ignored and the engine is asked instead).
     */
    void built(String name, String imageId) {
        if (imageId != null && imageId.matches("sha256:[0-9a-f]{64}")) builtNow.put(name, imageId);
    }

    Map<String, String> labelsFor(TreeImage image) {
        Optional<BaseImageOf.Parent> parent = BaseImageOf.of(image, plan.tree());
        if (parent.isEmpty()) return Map.of();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(BaseImageOf.NAME_LABEL, parent.get().reference());
        digestOf(parent.get()).ifPresent(d -> labels.put(BaseImageOf.DIGEST_LABEL, d));
        return labels;
    }

    private Optional<String> digestOf(BaseImageOf.Parent parent) {
        if (parent.inTree().isPresent()) {
            String name = parent.inTree().get();
            String now = publishedNow.get(name);
            if (now != null) return Optional.of(now);
            PlannedImage p = plan.get(name);
            boolean rebuilt = p != null && (p.action() == org.imagetree.plan.Action.BUILD || p.action() == org.imagetree.plan.Action.PUBLISH);
            if (p != null && !rebuilt && p.digest() != null) return Optional.of(p.digest());
            String id = builtNow.get(name);
            if (id != null) return Optional.of(id);
            return localId(parent.reference());
        }
        return external.computeIfAbsent(parent.reference(), ref -> registryDigest(ref).or(() -> localId(ref)));
    }

    private Optional<String> registryDigest(String ref) {
        if (registry == null) return Optional.empty();
        try {
            return registry.headManifest(ImageReference.parse(ref)).map(ManifestDescriptor::digest);
        } catch (RegistryException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<String> localId(String ref) {
        try {
            return engine.inspect(ref).map(ContainerEngine.LocalImage::id);
        } catch (EngineException e) {
            return Optional.empty();
        }
    }
}
