package org.imagetree.execute;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.imagetree.model.ImageReference;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@link ContainerEngine} over the Docker Engine API with docker-java (classic builder).
 * Builds use host networking; nothing here creates networks.
 */
public final class DockerJavaEngine implements ContainerEngine {
    private final String host;
    private DockerClient client;
    private boolean closed;

    /** Most references {@link #tagsAmong} asks the engine to filter by; beyond that it lists every image. */
    static final int MAX_REFERENCE_FILTERS = 256;

    /** Connects lazily: a run that never talks to the engine (a no-op build) never loads or starts docker-java. */
    public DockerJavaEngine(String dockerHost) {
        this.host = dockerHost;
    }

    private synchronized DockerClient client() {
        if (closed) throw new IllegalStateException("engine closed");
        if (client == null) {
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(host)
                    .build();
            URI uri = URI.create(host);
            ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(uri)
                    .sslConfig(sslConfig(uri, config))
                    .maxConnections(32)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .build();
            client = DockerClientImpl.getInstance(config, http);
        }
        return client;
    }

    /**
     * TLS for a {@code tcp://} engine as DOCKER_TLS_VERIFY / DOCKER_CERT_PATH configure it (null: the JVM's default
     * trust). A local socket never uses TLS, but without a TLS configuration the HTTP client initialises the JVM's
     * default TLS context (its trust store: ~0.05–0.1 s in a cold JVM, on the path before the first build); it gets
     * one that trusts nothing, so it cannot be misused.
     */
    private static com.github.dockerjava.transport.SSLConfig sslConfig(URI uri, DefaultDockerClientConfig config) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("unix") && !scheme.equals("npipe")) return config.getSSLConfig();
        return () -> {
            try {
                javax.net.ssl.SSLContext none = javax.net.ssl.SSLContext.getInstance("TLS");
                none.init(null, new javax.net.ssl.TrustManager[0], null);
                return none;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("no TLS implementation", e);
            }
        };
    }

    /** DOCKER_HOST from the environment, else the default socket. */
    public static DockerJavaEngine fromEnvironment(Map<String, String> env) {
        String h = env.getOrDefault("DOCKER_HOST", "");
        return new DockerJavaEngine(h.isEmpty() ? "unix:///var/run/docker.sock" : h);
    }

    @Override
    public String build(BuildRequest request, Consumer<String> log) throws EngineException {
        // The context goes to the engine as an archive we write next to the context directory, private to the user
        // (0600) and deleted when the build ends (docker-java would write one world-readable into java.io.tmpdir).
        Path archive;
        try {
            archive = ContextArchive.write(request.contextDir());
        } catch (IOException e) {
            throw new EngineException("cannot archive the build context " + request.contextDir() + ": " + e.getMessage(), e);
        }
        try (java.io.InputStream tar = java.nio.file.Files.newInputStream(archive)) {
            return build(request, tar, log);
        } catch (IOException e) {
            throw new EngineException("cannot read the build context archive " + archive + ": " + e.getMessage(), e);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(archive);
            } catch (IOException ignored) {
                // the run directory holding it is deleted at the end of the run
            }
        }
    }

    private String build(BuildRequest request, java.io.InputStream context, Consumer<String> log) throws EngineException {
        BuildImageCmd cmd = client().buildImageCmd(context)
                .withTags(new HashSet<>(request.tags()))
                .withNoCache(request.noCache())
                .withRemove(true)
                .withForcerm(true)
                .withPull(false)
                .withNetworkMode("host")
                .withLabels(request.labels());
        request.buildArgs().forEach(cmd::withBuildArg);
        if (!request.target().isEmpty()) cmd.withTarget(request.target());
        ResourceLimits l = request.limits();
        if (l != null) {
            if (l.memory() != null) cmd.withMemory(l.memory());
            if (l.memswap() != null) cmd.withMemswap(l.memswap());
            if (l.cpushares() != null) cmd.withCpushares(l.cpushares());
            if (l.cpusetcpus() != null) cmd.withCpusetcpus(l.cpusetcpus());
        }
        AtomicReference<String> imageId = new AtomicReference<>();
        StreamCallback<BuildResponseItem> cb = new StreamCallback<>(log) {
            @Override void item(BuildResponseItem item) {
                if (item.getAux() != null && item.getAux().getDigest() == null && item.getImageId() != null) imageId.set(item.getImageId());
                else if (item.isBuildSuccessIndicated() && item.getImageId() != null) imageId.set(item.getImageId());
            }
        };
        try {
            cmd.exec(cb).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(cb);
            throw new EngineException("build interrupted");
        } catch (DockerException | IllegalStateException e) {
            throw new EngineException("engine refused the build: " + e.getMessage().strip(), e);
        } catch (RuntimeException e) {
            cb.rethrow("build failed");
            throw new EngineException("engine unreachable during build: " + rootMessage(e), e);
        }
        cb.rethrow("build failed");
        if (imageId.get() == null) {
            // Older engines report only "Successfully built <id>" in the stream.
            Optional<LocalImage> img = inspect(request.tags().get(0));
            return img.map(LocalImage::id).orElseThrow(() -> new EngineException("build produced no image"));
        }
        return imageId.get();
    }

    @Override
    public Optional<LocalImage> inspect(String reference) throws EngineException {
        try {
            InspectImageResponse r = client().inspectImageCmd(reference).exec();
            Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels();
            List<String> layers = r.getRootFS() == null || r.getRootFS().getLayers() == null ? List.of() : r.getRootFS().getLayers();
            return Optional.of(new LocalImage(r.getId(), r.getRepoTags() == null ? List.of() : r.getRepoTags(), labels, layers));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            throw new EngineException("cannot inspect " + reference + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + rootMessage(e), e);
        }
    }

    @Override
    public void pull(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        ImageReference ref = ImageReference.parse(reference);
        String repo = reference.startsWith(ref.registry()) || !ref.registry().equals(ImageReference.DOCKER_HUB)
                ? ref.repositoryName() : ref.familiar().split("[:@]")[0];
        var cmd = client().pullImageCmd(repo).withTag(ref.reference());
        auth.ifPresent(a -> cmd.withAuthConfig(authConfig(a)));
        StreamCallback<PullResponseItem> cb = new StreamCallback<>(log) { @Override void item(PullResponseItem i) {} };
        try {
            cmd.exec(cb).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(cb); // closing the stream makes the engine stop the pull
            throw new EngineException("pull interrupted");
        } catch (DockerException e) {
            throw new EngineException("cannot pull " + reference + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cb.rethrow("cannot pull " + reference);
            throw new EngineException("engine unreachable during pull of " + reference + ": " + rootMessage(e), e);
        }
        cb.rethrow("cannot pull " + reference);
    }

    @Override
    public void tag(String source, String target) throws EngineException {
        int colon = target.lastIndexOf(':');
        String repo = colon > target.lastIndexOf('/') ? target.substring(0, colon) : target;
        String tag = colon > target.lastIndexOf('/') ? target.substring(colon + 1) : "latest";
        try {
            client().tagImageCmd(source, repo, tag).withForce(true).exec();
        } catch (DockerException e) {
            throw new EngineException("cannot tag " + source + " as " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + rootMessage(e), e);
        }
    }

    @Override
    public String push(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        int colon = reference.lastIndexOf(':');
        String repo = reference.substring(0, colon);
        String tag = reference.substring(colon + 1);
        var cmd = client().pushImageCmd(repo).withTag(tag);
        auth.ifPresent(a -> cmd.withAuthConfig(authConfig(a)));
        AtomicReference<String> digest = new AtomicReference<>();
        StreamCallback<PushResponseItem> cb = new StreamCallback<>(log) {
            @Override void item(PushResponseItem item) {
                if (item.getAux() != null && item.getAux().getDigest() != null) digest.set(item.getAux().getDigest());
            }
        };
        try {
            cmd.exec(cb).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(cb); // closing the stream makes the engine stop the push
            throw new EngineException("push interrupted");
        } catch (DockerException e) {
            throw new EngineException("push of " + reference + " refused: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cb.rethrow("push of " + reference + " failed");
            throw new EngineException("engine unreachable during push of " + reference + ": " + rootMessage(e), e);
        }
        cb.rethrow("push of " + reference + " failed");
        if (digest.get() == null) throw new EngineException("push of " + reference + " reported no digest");
        return digest.get();
    }

    @Override
    public java.io.InputStream save(String image) throws EngineException {
        try {
            return client().saveImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new EngineException("cannot export " + image + ": no such image", e);
        } catch (DockerException e) {
            throw new EngineException("cannot export " + image + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable during export of " + image + ": " + rootMessage(e), e);
        }
    }

    @Override
    public Optional<Set<String>> tagsAmong(java.util.Collection<String> references) throws EngineException {
        try {
            Set<String> tags = new HashSet<>();
            // Up to a few hundred references, the engine filters (reference filters are OR'ed): an agent holding
            // thousands of images answers with those asked about instead of a listing to parse (0.1-0.2 s with ~2,000
            // images, before the first build). More would make a long query string: then every image, as before.
            var cmd = client().listImagesCmd();
            if (references.size() <= MAX_REFERENCE_FILTERS) cmd.withFilter("reference", List.copyOf(references));
            for (Image i : cmd.exec()) {
                if (i.getRepoTags() != null) for (String t : i.getRepoTags()) if (!t.startsWith("<none>")) tags.add(t);
            }
            return Optional.of(tags);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + rootMessage(e), e);
        }
    }

    @Override
    public List<LocalImage> listRepository(String repository) throws EngineException {
        try {
            List<LocalImage> out = new ArrayList<>();
            for (Image i : client().listImagesCmd().withReferenceFilter(repository).exec()) {
                out.add(new LocalImage(i.getId(), i.getRepoTags() == null ? List.of() : List.of(i.getRepoTags()),
                        i.getLabels() == null ? Map.of() : i.getLabels()));
            }
            return out;
        } catch (RuntimeException e) {
            throw new EngineException("cannot list images of " + repository + ": " + rootMessage(e), e);
        }
    }

    @Override
    public void remove(String reference) throws EngineException {
        try {
            client().removeImageCmd(reference).withForce(false).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new EngineException("cannot remove " + reference + ": " + rootMessage(e), e);
        }
    }

    /** Containers on this engine, for steps that run images ({@link ContainerRuns}); shares this engine's connection. */
    public ContainerRuns containers() { return new ContainerRuns(this::client); }

    @Override
    public boolean ping() {
        try {
            client().pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client == null) return;
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() { return "DockerJavaEngine[" + host + "]"; }

    private static AuthConfig authConfig(RegistryAuth a) {
        return new AuthConfig().withRegistryAddress(a.registry()).withUsername(a.username()).withPassword(a.password());
    }

    private static void close(Closeable c) {
        try { c.close(); } catch (IOException ignored) { /* closing */ }
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }

    /** Streams progress to a log and remembers the first error reported inside the stream. */
    private abstract static class StreamCallback<T extends ResponseItem> extends ResultCallback.Adapter<T> {
        private final Consumer<String> log;
        private volatile String streamError;

        StreamCallback(Consumer<String> log) { this.log = log; }

        abstract void item(T item);

        @Override
        public void onNext(T object) {
            if (object.getStream() != null) {
                String s = object.getStream();
                for (String line : s.split("\n")) if (!line.isBlank()) log.accept(line);
            } else if (object.getStatus() != null && object.getProgressDetail() == null) {
                log.accept(object.getStatus() + (object.getId() != null ? " " + object.getId() : ""));
            }
            String err = object.getErrorDetail() != null && object.getErrorDetail().getMessage() != null
                    ? object.getErrorDetail().getMessage() : object.getError();
            if (err != null && streamError == null) {
                streamError = err;
                log.accept("ERROR: " + err);
            }
            item(object);
        }

        void rethrow(String what) throws EngineException {
            if (streamError != null) throw new EngineException(what + ": " + streamError.strip());
        }

        @Override
        public void onError(Throwable throwable) {
            // A build step that fails arrives as an error item; docker-java also raises it here.
            if (streamError == null) streamError = rootMessage(throwable);
            super.onError(throwable);
        }
    }
}
