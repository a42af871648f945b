package org.imagetree.execute;

import org.imagetree.config.EngineConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The container engine the executor drives: build, tag, pull, push, inspect, remove. One implementation
 * talks to the Docker Engine API ({@link DockerJavaEngine}); tests may wrap it to inject faults.
 * Implementations are thread-safe: independent images build at the same time.
 */
public interface ContainerEngine extends AutoCloseable {

    /**
     * What to build: a prepared context directory holding {@code Dockerfile}; {@code target} names the stage to
     * build ("" or null: the last one).
     */
    record BuildRequest(Path contextDir, List<String> tags, Map<String, String> buildArgs, Map<String, String> labels,
                        boolean noCache, ResourceLimits limits, String target) {
        public BuildRequest {
            tags = List.copyOf(tags);
            buildArgs = Map.copyOf(buildArgs);
            labels = Map.copyOf(labels);
            target = target == null ? "" : target;
        }

        /** A request for the last stage. */
        public BuildRequest(Path contextDir, List<String> tags, Map<String, String> buildArgs, Map<String, String> labels,
                            boolean noCache, ResourceLimits limits) {
            this(contextDir, tags, buildArgs, labels, noCache, limits, "");
        }
    }

    /** docker-pkg's {@code container_limits} ({@code memory=…,memswap=…,cpushares=…,cpusetcpus=…}). */
    record ResourceLimits(Long memory, Long memswap, String cpushares, String cpusetcpus) {
        public static final ResourceLimits NONE = new ResourceLimits(null, null, null, null);

        /**
         * Parses {@code memory=…,memswap=…,cpushares=…,cpusetcpus=…}.
         *
         * @throws IllegalArgumentException saying what is wrong
         */
        public static ResourceLimits parse(String spec) {
            Long memory = null;
            Long memswap = null;
            String shares = null;
            String cpus = null;
            for (String kv : spec.split(",")) {
                String[] parts = kv.split("=", 2);
                if (parts.length != 2) throw new IllegalArgumentException("expected key=value, got '" + kv + "'");
                String k = parts[0].trim();
                String v = parts[1].trim();
                switch (k) {
                    case "memory" -> memory = bytes(k, v);
                    case "memswap" -> memswap = bytes(k, v);
                    case "cpushares" -> shares = v;
                    case "cpusetcpus" -> cpus = v;
                    default -> throw new IllegalArgumentException("unknown key '" + k + "' (memory, memswap, cpushares, cpusetcpus)");
                }
            }
            return new ResourceLimits(memory, memswap, shares, cpus);
        }

        private static long bytes(String key, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number of bytes, got '" + value + "'");
            }
        }
    }

    /** Credentials for a pull or push; {@link #toString()} never shows the password. */
    record RegistryAuth(String registry, String username, String password) {
        /** The configured registry's credentials, when the configuration has a username and a password. */
        public static Optional<RegistryAuth> of(EngineConfig config) {
            if (!config.hasCredentials()) return Optional.empty();
            return Optional.of(new RegistryAuth(config.registry(), config.username().orElseThrow(), config.password().orElseThrow()));
        }

        @Override public String toString() { return "RegistryAuth[" + registry + ", " + username + ", ****]"; }
    }

    /**
     * A local image: its id, the repo tags it carries, its labels and its layers ({@code diff_id}s, bottom first;
     * empty when the engine did not say).
     */
    record LocalImage(String id, List<String> repoTags, Map<String, String> labels, List<String> layers) {
        public LocalImage {
            repoTags = List.copyOf(repoTags);
            labels = Map.copyOf(labels);
            layers = List.copyOf(layers);
        }

        public LocalImage(String id, List<String> repoTags, Map<String, String> labels) {
            this(id, repoTags, labels, List.of());
        }
    }

    /** Builds and returns the new image id. Progress lines go to {@code log}. */
    String build(BuildRequest request, Consumer<String> log) throws EngineException;

    Optional<LocalImage> inspect(String reference) throws EngineException;

    void pull(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException;

    void tag(String source, String target) throws EngineException;

    /** Pushes one tag; returns the manifest digest the engine reported. Errors inside the stream fail. */
    String push(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException;

    /**
     * The image as {@code docker save} writes it (a tar: {@code manifest.json}, the config, one uncompressed tar per
     * layer), read once as it streams; the caller closes it. {@code image} is an id or a reference.
     */
    default java.io.InputStream save(String image) throws EngineException {
        throw new EngineException("this engine cannot export images");
    }

    /** Local images of one repository ({@code registry/namespace/name}, without tag). */
    List<LocalImage> listRepository(String repository) throws EngineException;

    void remove(String reference) throws EngineException;

    /**
     * The {@code name:tag}s the engine holds among {@code references} (it may name more), in one call, for callers
     * that would otherwise inspect many references; empty when this engine cannot list them (then inspect each).
     */
    default Optional<Set<String>> tagsAmong(java.util.Collection<String> references) throws EngineException { return Optional.empty(); }

    /** Whether the engine answers. */
    boolean ping();

    @Override void close();
}
