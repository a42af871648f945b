package org.imagetree.execute;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Containers of images this project built, on the Docker Engine API (no docker process): run one with host networking
 * (the image's entrypoint, the arguments given, environment values in the API request, never on a command line),
 * follow its output line by line, wait for its exit status, copy files out of it once it stopped, remove it. The
 * container is kept after it exits, for copies, until {@link #remove}. Thread-safe.
 */
public final class ContainerRuns {
    private final Supplier<DockerClient> client;

    ContainerRuns(Supplier<DockerClient> client) {
        this.client = Objects.requireNonNull(client);
    }

    /** A container to run: its name, the image (an id or a local name), the arguments and the environment. */
    public record RunRequest(String name, String image, List<String> arguments, Map<String, String> environment) {
        public RunRequest {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }

        @Override public String toString() { return "RunRequest[" + name + ", " + image + ", " + arguments + ", env " + environment.keySet() + "]"; }
    }

    /**
     * Creates and starts the container, passes each line of its standard output to {@code stdout} and of its standard
     * error to {@code stderr} as it comes, and returns its exit status. Past {@code timeout} (or when the calling
     * thread is interrupted) the container is killed.
     *
     * @throws EngineException when the engine refuses or cannot be reached, or the run times out
     */
    public int run(RunRequest r, Consumer<String> stdout, Consumer<String> stderr, Duration timeout) throws EngineException, InterruptedException {
        DockerClient c = client.get();
        List<String> env = new ArrayList<>();
        r.environment().forEach((k, v) -> env.add(k + "=" + v));
        String id;
        try {
            CreateContainerCmd cmd = c.createContainerCmd(r.image()).withName(r.name()).withEnv(env)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"))
                    .withAttachStdout(true).withAttachStderr(true);
            if (!r.arguments().isEmpty()) cmd.withCmd(r.arguments());
            id = cmd.exec().getId();
            c.startContainerCmd(id).exec();
        } catch (DockerException e) {
            throw new EngineException("cannot run " + r.image() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + e.getMessage(), e);
        }
        Lines out = new Lines(stdout);
        Lines err = new Lines(stderr);
        ResultCallback.Adapter<Frame> logs = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame f) {
                if (f.getStreamType() == StreamType.STDERR) err.add(f.getPayload());
                else out.add(f.getPayload());
            }
        };
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            c.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
            boolean done = logs.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                kill(c, id);
                throw new EngineException("the container " + r.name() + " ran longer than " + timeout.toMinutes() + " minutes and was stopped");
            }
            long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            Integer status = c.waitContainerCmd(id).start().awaitStatusCode(left, TimeUnit.SECONDS);
            return status == null ? -1 : status;
        } catch (InterruptedException e) {
            kill(c, id);
            throw e;
        } catch (DockerException e) {
            throw new EngineException("cannot follow the container " + r.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("lost the container " + r.name() + ": " + e.getMessage(), e);
        } finally {
            try {
                logs.close();
            } catch (IOException ignored) {
                // closed
            }
            out.flush();
            err.flush();
        }
    }

    private static void kill(DockerClient c, String id) {
        try {
            c.killContainerCmd(id).exec();
        } catch (RuntimeException ignored) {
            // already stopped
        }
    }

    /**
     * A tar of {@code path} in the (stopped) container, as {@code GET /containers/ID/archive} gives it: its entries
     * named from the path's last element ({@code .} for a directory's contents). The caller closes it.
     */
    public InputStream copyFrom(String container, String path) throws EngineException {
        try {
            return client.get().copyArchiveFromContainerCmd(container, path).exec();
        } catch (NotFoundException e) {
            throw new EngineException("no " + path + " in the container " + container);
        } catch (DockerException e) {
            throw new EngineException("cannot copy " + path + " from the container " + container + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + e.getMessage(), e);
        }
    }

    /** Removes the container, stopping it first if it still runs; gone already is fine. */
    public void remove(String container) throws EngineException {
        try {
            client.get().removeContainerCmd(container).withForce(true).exec();
        } catch (NotFoundException e) {
            // gone
        } catch (RuntimeException e) {
            throw new EngineException("cannot remove the container " + container + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the tag {@code reference}; when it was the image's last tag and no container uses it, the image goes
     * too, but not its parent layers ({@code docker rmi --no-prune}): for the classic builder those are the build
     * cache, which the next run of the same steps reuses. Gone already is fine.
     */
    public void untag(String reference) throws EngineException {
        try {
            client.get().removeImageCmd(reference).withForce(false).withNoPrune(true).exec();
        } catch (NotFoundException e) {
            // gone
        } catch (DockerException e) {
            throw new EngineException("cannot remove " + reference + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("engine unreachable: " + e.getMessage(), e);
        }
    }

    /** Bytes to lines (UTF-8, a line may span frames). */
    private static final class Lines {
        private final Consumer<String> sink;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Lines(Consumer<String> sink) { this.sink = sink; }

        synchronized void add(byte[] bytes) {
            for (byte b : bytes) {
                if (b == '\n') {
                    emit();
                } else {
                    pending.write(b);
                }
            }
        }

        synchronized void flush() {
            if (pending.size() > 0) emit();
        }

        private void emit() {
            String line = pending.toString(StandardCharsets.UTF_8);
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            pending.reset();
            sink.accept(line);
        }
    }

    /** {@code timeout} of PipelineLib's run step: 20 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(20);
}
