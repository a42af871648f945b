package org.imagetree.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link ContainerEngine} whose builds go through BuildKit (the docker client with {@code DOCKER_BUILDKIT=1},
 * {@code --network host}); pulls, pushes, tags, inspections and removals go to {@code delegate} (the Engine API).
 * BuildKit does not commit a container per instruction as the classic builder does, so an image costs less beyond
 * its {@code RUN}s (measured in bench/RESULTS.md). Resource limits ({@code container_limits}) are a classic-builder
 * feature: a build that asks for them fails rather than running unlimited.
 */
public final class BuildKitEngine implements ContainerEngine {
    private final java.util.function.Supplier<DockerCli> locate;
    private final ContainerEngine delegate;
    private volatile DockerCli cli;
    private final java.util.concurrent.atomic.AtomicBoolean locating = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param cli      a client that can build with BuildKit ({@link DockerCli#locateWithBuildKit})
     * @param delegate everything but builds
     */
    public BuildKitEngine(DockerCli cli, ContainerEngine delegate) {
        this(() -> cli, delegate);
    }

    private BuildKitEngine(java.util.function.Supplier<DockerCli> locate, ContainerEngine delegate) {
        this.locate = locate;
        this.delegate = delegate;
    }

    /** Finds the BuildKit-capable client of {@code env} on the first build (a run that builds nothing never looks). */
    public static BuildKitEngine locating(java.util.Map<String, String> env, ContainerEngine delegate) {
        return new BuildKitEngine(() -> DockerCli.locateWithBuildKit(env), delegate);
    }

    private DockerCli cli() throws EngineException {
        DockerCli c = cli;
        if (c == null) {
            synchronized (this) {
                c = cli;
                if (c == null) {
                    try {
                        cli = c = locate.get();
                    } catch (IllegalStateException e) {
                        throw new EngineException(e.getMessage());
                    }
                }
            }
        }
        return c;
    }

    @Override
    public String build(BuildRequest request, Consumer<String> log) throws EngineException {
        ResourceLimits l = request.limits();
        if (l != null && !l.equals(ResourceLimits.NONE)) {
            throw new EngineException("container_limits are not supported by BuildKit builds (builder: classic applies them)");
        }
        String dockerfile;
        try {
            dockerfile = Files.readString(request.contextDir().resolve("Dockerfile"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EngineException("cannot read the Dockerfile of the build context: " + e.getMessage(), e);
        }
        DockerCli docker = cli();
        if (Thread.currentThread().isInterrupted()) throw new EngineException("build interrupted");
        try {
            return docker.build(new DockerCli.BuildRequest(request.contextDir(), dockerfile, request.tags(), request.buildArgs(),
                    request.labels(), true, request.target(), request.noCache()), log);
        } catch (DockerCli.DockerException e) {
            if (e.result().exitCode() == DockerCli.INTERRUPTED) throw new EngineException("build interrupted");
            throw new EngineException("build failed: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new EngineException("build failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<LocalImage> inspect(String reference) throws EngineException {
        locateInBackground();
        return delegate.inspect(reference);
    }

    @Override
    public void pull(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        delegate.pull(reference, auth, log);
    }

    @Override
    public void tag(String source, String target) throws EngineException { delegate.tag(source, target); }

    @Override
    public java.io.InputStream save(String image) throws EngineException {
        return delegate.save(image);
    }

    @Override
    public String push(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        return delegate.push(reference, auth, log);
    }

    @Override
    public List<LocalImage> listRepository(String repository) throws EngineException { return delegate.listRepository(repository); }

    @Override
    public void remove(String reference) throws EngineException { delegate.remove(reference); }

    @Override
    public Optional<Set<String>> tagsAmong(java.util.Collection<String> references) throws EngineException {
        locateInBackground();
        return delegate.tagsAmong(references);
    }

    /**
     * Whether the engine answers. The executor pings once before any work, so this is also where the docker client is
     * looked for (a few short client runs) at the latest, in the background, so that the base image pulls overlap it
     * rather than the first build waiting for it.
     */
    @Override
    public boolean ping() {
        locateInBackground();
        return delegate.ping();
    }

    /**
     * Starts looking for the client on a daemon thread, once. Called by the first use of the engine for anything:
     * a build's plan asks the engine only about images the registry lacks (work ahead), so a run that builds nothing
     * still never looks, and a run that builds looks while its templates render.
     */
    private void locateInBackground() {
        if (cli != null || !locating.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                cli();
            } catch (EngineException e) {
                // reported by the first build
            }
        }, "imagetree-buildkit-locate");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() { delegate.close(); }
}
