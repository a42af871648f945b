package org.imagetree.base;

import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ContainerEngine.RegistryAuth;
import org.imagetree.execute.EngineException;
import org.imagetree.execute.EngineRetry;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ImagePusher;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.OciLayout;
import org.imagetree.registry.PushableImage;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RetryPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Publishes a base image from the OCI image layout the builder writes ({@link OciImageWriter#layout}): the layout is
 * read and every blob checked against its digest ({@link OciLayout#read}), the image pushed request by request under
 * the first tag ({@link ImagePusher}: each request retried on its own, uploads resumed, the manifest last), the other
 * tags set by a manifest PUT (no blob traffic), every tag then asked to serve the digest; finally the image is loaded
 * into the local engine by pulling it back (each pull retried), so the local copy is exactly what the registry serves.
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
     * @param layout     an OCI image layout holding one image
     * @param repository {@code registry/namespace/name} without tag
     * @param tags       tags to publish (e.g. {@code 20261127}, {@code latest})
     * @return the manifest digest, as the registry answers it for every tag
     */
    public String publish(Path layout, String repository, List<String> tags, Consumer<String> log) {
        PushableImage image = OciLayout.read(layout);
        ImageReference repo = ImageReference.parse(repository + ":" + tags.get(0));
        String digest = image.digest();
        for (String tag : tags) {
            ImageReference ref = repo.withTag(tag);
            String answered;
            if (tag.equals(tags.get(0))) {
                ImagePusher.Pushed p = new ImagePusher(registry, null).push(image, ref, log);
                log.accept("pushed " + repository + ":" + tag + " (" + p.uploaded() + " blob(s) uploaded, " + p.mounted() + " mounted, "
                        + p.present() + " already there)");
                answered = p.digest();
            } else {
                answered = registry.putManifest(ref, image.mediaType(), image.manifest());
            }
            if (!digest.equals(answered)) {
                throw new BaseImageException(repository + ":" + tag + " got digest " + answered + ", the image has " + digest);
            }
        }
        for (String tag : tags) {
            Optional<String> served = registry.headManifest(repo.withTag(tag)).map(ManifestDescriptor::digest);
            if (!served.equals(Optional.of(digest))) {
                throw new BaseImageException("pushed " + repository + ":" + tag + " as " + digest + " but the registry answers "
                        + served.orElse("nothing") + " for it");
            }
            log.accept("published " + repository + ":" + tag + " " + digest);
        }
        if (engine != null) {
            for (String tag : tags) {
                String ref = repository + ":" + tag;
                try {
                    new EngineRetry(RetryPolicy.DEFAULT).run("pull of " + ref, log, () -> {
                        engine.pull(ref, auth, line -> { });
                        return null;
                    });
                } catch (EngineException e) {
                    throw new BaseImageException("published " + ref + " but the engine cannot pull it: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BaseImageException("interrupted while pulling " + ref);
                }
            }
        }
        return digest;
    }

    /**
     * Publishes {@code image} through an OCI layout written next to its layer (the layer is linked, not moved, when
     * the file system allows), as {@link #publish(Path, String, List, Consumer)}.
     */
    public String publish(OciImageWriter.OciImage image, String repository, List<String> tags, Consumer<String> log) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(image.layer().toAbsolutePath().getParent(), "oci-");
            Path layer = dir.resolve("layer.tar.gz");
            try {
                Files.createLink(layer, image.layer());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(image.layer(), layer);
            }
            OciImageWriter.OciImage moved = new OciImageWriter.OciImage(layer, image.layerDigest(), image.layerSize(), image.diffId(),
                    image.config(), image.manifest());
            return publish(OciImageWriter.layout(moved, dir.resolve("oci")), repository, tags, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an OCI layout next to " + image.layer(), e);
        } finally {
            if (dir != null) org.imagetree.execute.ScratchDirectories.delete(dir);
        }
    }

}
