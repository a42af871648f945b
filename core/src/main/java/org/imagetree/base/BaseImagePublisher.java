package org.imagetree.base;

import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ContainerEngine.RegistryAuth;
import org.imagetree.execute.EngineException;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pushes an {@link OciImageWriter.OciImage} through the registry API (layer, config, then the manifest under every
 * tag: retagging is a second manifest PUT, no blob traffic) and loads it into the local engine by pulling it back,
 * so the local copy is exactly what the registry serves.
 */
public final class BaseImagePublisher {
    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final Optional<RegistryAuth> auth;

    /**
     * @param engine may be null: then the image is only pushed
     * @param auth   credentials the engine needs to pull it back, if any
     */
    public BaseImagePublisher(RegistryClient registry, ContainerEngine engine, Optional<RegistryAuth> auth) {
        this.registry = registry;
        this.engine = engine;
        this.auth = auth;
    }

    /**
     * @param repository {@code registry/namespace/name} without tag
     * @param tags       tags to publish (e.g. {@code 20261127}, {@code latest})
     * @return the manifest digest, as the registry answered it for every tag
     */
    public String publish(OciImageWriter.OciImage image, String repository, List<String> tags, Consumer<String> log) {
        ImageReference repo = ImageReference.parse(repository + ":" + tags.get(0));
        String host = repo.registry();
        String name = repo.repository();
        log.accept("pushing layer " + image.layerDigest() + " (" + image.layerSize() + " bytes) to " + host + "/" + name);
        registry.pushBlob(host, name, image.layerDigest(), image.layer());
        registry.pushBlob(host, name, image.configDigest(), image.config());
        String digest = null;
        for (String tag : tags) {
            String answered = registry.putManifest(repo.withTag(tag), OciImageWriter.MANIFEST_TYPE, image.manifest());
            if (digest != null && !digest.equals(answered)) {
                throw new BaseImageException(repository + ":" + tag + " got digest " + answered + ", the other tags " + digest);
            }
            digest = answered;
            log.accept("published " + repository + ":" + tag + " " + answered);
        }
        if (engine != null) {
            for (String tag : tags) {
                String ref = repository + ":" + tag;
                try {
                    engine.pull(ref, auth, line -> { });
                } catch (EngineException e) {
                    throw new BaseImageException("published " + ref + " but the engine cannot pull it: " + e.getMessage(), e);
                }
            }
        }
        return digest;
    }
}
