package org.imagetree.pipeline.execute;

import org.imagetree.execute.EngineException;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a pipeline's steps ask of the container engine and the registry; {@link DockerBackend} is the engine Image
 * Tree already has (Blubber compiled in process, registry policy, context boundary, builds through docker-java or
 * BuildKit, the engine's push with its retries, the registry asked for what it serves). Tests may wrap it to inject
 * faults. Implementations are thread-safe: independent stages use it at the same time.
 */
public interface PipelineBackend {
    /**
     * A {@code build} step: the Blubber config {@code blubberFile} (shown as {@code displayName}), its {@code variant},
     * the {@code context} directory ({@code excludes}, when given, replace its {@code .dockerignore}), whether to pull
     * the bases first ({@code imagePullPolicy: always}), the image's labels and the local name to tag it with.
     * {@code ownImages} are the local names this run built, which may be bases without passing the registry policy.
     */
    record BuildSpec(Path blubberFile, String displayName, String variant, Path context, List<String> excludes, boolean pull,
                     Map<String, String> labels, String localName, Path repository, Set<String> ownImages) {
        public BuildSpec {
            excludes = excludes == null ? null : List.copyOf(excludes);
            labels = Map.copyOf(labels);
            ownImages = Set.copyOf(ownImages);
        }
    }

    /** The image a build made: its ID ({@code sha256:…}) and whether BuildKit built it. */
    record Built(String id, boolean buildKit) {}

    /**
     * What stands in the way of {@code spec}'s build before anything runs (the Blubber config, the variant, the
     * registry policy, the context and its symlinks), each {@code file:line: problem}; empty when nothing does.
     */
    List<String> checkBuild(BuildSpec spec);

    /**
     * What stands in the way of reaching the container engine ({@code the container engine does not answer: …}); empty
     * when it answers. A run asks this while it plans (the first request pays for the connection), and refuses to
     * start when a stage that runs needs the engine and it does not answer.
     */
    default Optional<String> engineProblem() { return Optional.empty(); }

    Built build(BuildSpec spec, Consumer<String> log) throws EngineException, InterruptedException;

    /** A {@code run} step's container: named {@code name}, kept after it exits. */
    record RunSpec(String name, String image, List<String> arguments, Map<String, String> environment) {
        public RunSpec {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }

        @Override public String toString() { return "RunSpec[" + name + ", " + image + ", " + arguments + ", env " + environment.keySet() + "]"; }
    }

    /** Runs the container to its end; returns its exit status. */
    int run(RunSpec spec, Consumer<String> stdout, Consumer<String> stderr) throws EngineException, InterruptedException;

    /** A tar of {@code path} in the stopped container (the Engine API's archive). */
    InputStream copyFrom(String container, String path) throws EngineException;

    /**
     * Publishes {@code image} (an ID or local name) as {@code reference}: tags it, pushes it the way it was built, and
     * returns the digest the registry serves for the reference once it answers with the digest pushed.
     */
    String publish(String image, boolean buildKit, String reference, Consumer<String> log) throws EngineException, InterruptedException;

    /**
     * Publishing for one pipeline run: its pushes share one publisher (the exports it made, what it learnt of the
     * registry), and an image can be made ready for its push ahead of it, while the stages before the one that publishes
     * still run. The run closes it at its end.
     */
    interface RunPublishing extends AutoCloseable {
        /** Makes {@code image} ready to be pushed to {@code registryHost} (its export read and compressed); sends nothing. */
        void prepare(String image, String registryHost, Consumer<String> log) throws EngineException, InterruptedException;

        /** As {@link PipelineBackend#publish}, with what {@link #prepare} made ready. */
        String publish(String image, boolean buildKit, String reference, Consumer<String> log) throws EngineException, InterruptedException;

        @Override
        void close();
    }

    /**
     * The publishing of one run ({@link RunPublishing}); this default prepares nothing and publishes with
     * {@link #publish}.
     *
     * @param scratch a directory private to the run, for what is made ready
     * @param log     where what the pushes of the run retry is told
     */
    default RunPublishing publishing(Path scratch, Consumer<String> log) {
        PipelineBackend backend = this;
        return new RunPublishing() {
            @Override
            public void prepare(String image, String registryHost, Consumer<String> l) { }

            @Override
            public String publish(String image, boolean buildKit, String reference, Consumer<String> l) throws EngineException, InterruptedException {
                return backend.publish(image, buildKit, reference, l);
            }

            @Override
            public void close() { }
        };
    }

    void removeContainer(String name) throws EngineException;

    /** Removes a tag (and the image, when it was the last one and no container uses it). */
    void removeImage(String reference) throws EngineException;
}
