package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ContainerEngine.RegistryAuth;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.EngineException;
import org.imagetree.execute.ImagePublisher;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.PolicyChecker;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.read.BuildContextWriter;
import org.imagetree.read.ContextBoundary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where compiled variants are built, run and pushed. Classic Dockerfiles are built through docker-java
 * ({@link ContainerEngine}, a prepared context holding the Dockerfile) and pushed with an {@code AuthConfig};
 * BuildKit Dockerfiles are built with the docker CLI ({@code DOCKER_BUILDKIT=1}) and pushed with a temporary
 * {@code DOCKER_CONFIG} (directory 0700, {@code config.json} 0600, deleted right after the push) holding the auth
 * for the engine's registry only. Test variants run through the CLI. Before anything is built, every base is
 * checked against the registry policy when there is one.
 *
 * <p>Holds no mutable state but, when made {@link #rememberingBaseDigests() for one run}, the base digests it found;
 * safe for concurrent builds.
 */
public final class VariantEngine {
    private final DockerCli cli;
    private final ContainerEngine classic;
    private final RegistryAuth auth;
    private final RegistryPolicy registryPolicy;
    private final org.imagetree.registry.RegistryClient registry;
    private final java.util.function.Predicate<String> ourRegistry;
    /** Our registry's digest of each base, when this engine serves one run ({@link #rememberingBaseDigests}); else null. */
    private final Map<String, java.util.concurrent.atomic.AtomicReference<String>> baseDigests;

    /**
     * @param cli            BuildKit-capable docker client (BuildKit builds, test runs, their pushes)
     * @param classic        engine for classic builds, or null to build those with the CLI and {@code DOCKER_BUILDKIT=0}
     * @param auth           credentials for pushes to {@code auth.registry()}
     * @param registryPolicy the build-time registry policy, if any
     */
    public VariantEngine(DockerCli cli, ContainerEngine classic, Optional<RegistryAuth> auth, Optional<RegistryPolicy> registryPolicy) {
        this(cli, classic, auth, registryPolicy, null, host -> false, null);
    }

    private VariantEngine(DockerCli cli, ContainerEngine classic, Optional<RegistryAuth> auth, Optional<RegistryPolicy> registryPolicy,
                          org.imagetree.registry.RegistryClient registry, java.util.function.Predicate<String> ourRegistry,
                          Map<String, java.util.concurrent.atomic.AtomicReference<String>> baseDigests) {
        this.cli = Objects.requireNonNull(cli);
        this.classic = classic;
        this.auth = auth.orElse(null);
        this.registryPolicy = registryPolicy.orElse(null);
        this.registry = registry;
        this.ourRegistry = ourRegistry;
        this.baseDigests = baseDigests;
    }

    /**
     * This engine, asking {@code registry} for the digest a variant's base has when it is built (recorded as
     * {@link org.imagetree.model.BaseImageOf#DIGEST_LABEL}) for bases on registries {@code ours} accepts; other bases
     * record the local image id when the engine has the image, else their name only.
     */
    public VariantEngine withBaseDigests(org.imagetree.registry.RegistryClient registry, java.util.function.Predicate<String> ours) {
        return new VariantEngine(cli, classic, Optional.ofNullable(auth), Optional.ofNullable(registryPolicy), registry, ours, baseDigests);
    }

    /**
     * This engine for one run whose bases are pulled at most once (a service pipeline's run): the digest our registry
     * gives for a base is asked once and remembered for the run's later builds on it, instead of being asked again for
     * each (the local image IDs of other bases are still looked up for each build).
     */
    public VariantEngine rememberingBaseDigests() {
        return new VariantEngine(cli, classic, Optional.ofNullable(auth), Optional.ofNullable(registryPolicy), registry, ourRegistry,
                new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** Everything through the CLI, no credentials, no registry policy. */
    public static VariantEngine cliOnly(DockerCli cli) {
        return new VariantEngine(cli, null, Optional.empty(), Optional.empty());
    }

    /**
     * The engine config's registry credentials (when it has a registry, username and password) and its build-time
     * registry policy (when it has a registry or {@code allowed_registries}).
     */
    public static VariantEngine forConfig(Optional<EngineConfig> config, DockerCli cli, ContainerEngine classic) {
        Optional<RegistryAuth> auth = config.filter(c -> !c.registry().isEmpty()).flatMap(RegistryAuth::of);
        Optional<RegistryPolicy> policy = config.filter(c -> !c.allowedRegistries().isEmpty()).map(RegistryPolicy::forBuild);
        VariantEngine e = new VariantEngine(cli, classic, auth, policy);
        if (config.isEmpty()) return e;
        EngineConfig c = config.get();
        // Only the registries the config names are asked for a base's digest (loopback is not special).
        return e.withBaseDigests(org.imagetree.registry.RegistryClient.builder(c).build(), org.imagetree.policy.OurRegistries.of(c));
    }

    /**
     * The OCI base labels of {@code df}: the final stage's base ({@link org.imagetree.model.BaseImageOf#NAME_LABEL})
     * and its digest now ({@link org.imagetree.model.BaseImageOf#DIGEST_LABEL}): the registry's manifest digest for a
     * base on our registries, else the local image id if the engine has it. Empty for {@code FROM scratch}.
     */
    public Map<String, String> baseLabels(CompiledDockerfile df) {
        Optional<String> base = org.imagetree.model.BaseImageOf.finalBase(df.text());
        if (base.isEmpty()) return Map.of();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        labels.put(org.imagetree.model.BaseImageOf.NAME_LABEL, base.get());
        baseDigest(base.get()).ifPresent(d -> labels.put(org.imagetree.model.BaseImageOf.DIGEST_LABEL, d));
        return labels;
    }

    private Optional<String> baseDigest(String base) {
        try {
            ImageReference ref = ImageReference.parse(base);
            if (ref.digest() != null) return Optional.of(ref.digest());
            if (registry != null && ourRegistry.test(ref.registry())) {
                Optional<String> d = registryDigest(base, ref);
                if (d.isPresent()) return d;
            }
        } catch (IllegalArgumentException | org.imagetree.registry.RegistryException e) {
            // fall back to the local image
        }
        try {
            return cli.imageExists(base) ? Optional.of(cli.inspect(base, "{{.Id}}")).filter(id -> id.startsWith("sha256:")) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The registry's digest for {@code base}. When this engine serves one run, the digest found is remembered, and
     * builds on the same base at the same time ask once.
     */
    private Optional<String> registryDigest(String base, ImageReference ref) {
        if (baseDigests == null) return registry.headManifest(ref).map(org.imagetree.registry.ManifestDescriptor::digest);
        java.util.concurrent.atomic.AtomicReference<String> known = baseDigests.computeIfAbsent(base, b -> new java.util.concurrent.atomic.AtomicReference<>());
        synchronized (known) {
            if (known.get() == null) registry.headManifest(ref).map(org.imagetree.registry.ManifestDescriptor::digest).ifPresent(known::set);
            return Optional.ofNullable(known.get());
        }
    }

    public Optional<RegistryPolicy> registryPolicy() { return Optional.ofNullable(registryPolicy); }

    /**
     * Fails with every violation (file, line, reference) when an image a build of {@code variant} may pull is not
     * allowed: stage bases, copies, requirements and mounts from images, and everything {@code compiled} names.
     */
    public void checkRegistryPolicy(Path file, BlubberConfig config, String variant, CompiledDockerfile compiled) {
        if (registryPolicy == null) return;
        PolicyChecker.requireNone(BlubberRegistryPolicy.check(file, config, variant, compiled, registryPolicy));
    }

    /**
     * Fails when a symlink in what a build of {@code context} would send ({@code .dockerignore} applied) resolves
     * outside {@code context}: {@code file: symlink points outside the build context (-> target)}.
     */
    public void checkContext(Path context) {
        ContextBoundary.requireNone(ContextBoundary.of(context).contextProblems(context));
    }

    /**
     * Builds {@code df} in {@code context} with {@code extraLabels} and the {@link #baseLabels} (every image this
     * project builds records its base); returns the image id. Whichever the builder, a symlink in what the build
     * would send that resolves outside {@code context} is refused first ({@link ContextBoundary}).
     */
    public String build(CompiledDockerfile df, Path context, List<String> tags, Map<String, String> buildArgs,
                        Map<String, String> extraLabels, Consumer<String> log) throws EngineException {
        checkContext(context);
        pullMissing(df, log);
        Map<String, String> labels = new java.util.LinkedHashMap<>(baseLabels(df));
        labels.putAll(extraLabels);
        if (df.buildKit() || classic == null) {
            return cli.build(new DockerCli.BuildRequest(context, df.text(), tags, buildArgs, labels, df.buildKit(), "", false), log);
        }
        Path tmp = tempDirectory("imagetree-blubber-context");
        try {
            Path prepared = BuildContextWriter.assemble(context, tmp.resolve("context"), df.text(), context);
            return classic.build(new ContainerEngine.BuildRequest(prepared, tags, buildArgs, labels, false,
                    ContainerEngine.ResourceLimits.NONE, df.target()), log);
        } finally {
            org.imagetree.execute.ScratchDirectories.delete(tmp);
        }
    }

    /**
     * Pulls, before anything is built, every image the build of {@code df} may pull that the engine does not have: its
     * stages' bases, the images it copies or mounts from, its {@code # syntax} frontend. Each pull is repeated with
     * bounded backoff when it fails in a way that may pass (a 5xx, a reset), each retry told on {@code log}; the build
     * then finds them local (a pull inside the build would die on the first dropped connection). Credentials apply to
     * their registry only.
     */
    public void pullMissing(CompiledDockerfile df, Consumer<String> log) throws EngineException {
        java.util.Set<String> done = new java.util.HashSet<>();
        for (org.imagetree.model.Dockerfiles.ImageUse use : org.imagetree.model.Dockerfiles.pulledImages(df.text())) {
            String ref = use.resolvedImage();
            if (use.unresolvedArg() || ref.isEmpty() || ref.equalsIgnoreCase("scratch") || !done.add(ref)) continue;
            try {
                ImageReference.parse(ref);
            } catch (IllegalArgumentException e) {
                continue; // not an image reference: the build reports it
            }
            if (present(ref)) continue;
            log.accept("pulling " + ref);
            try {
                new org.imagetree.execute.EngineRetry(org.imagetree.registry.RetryPolicy.DEFAULT)
                        .run("pull of " + ref, log, () -> pullOnce(ref, log));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("pull of " + ref + " interrupted");
            }
        }
    }

    private boolean present(String ref) throws EngineException {
        return classic != null ? classic.inspect(ref).isPresent() : cli.imageExists(ref);
    }

    private Void pullOnce(String ref, Consumer<String> log) throws EngineException {
        Optional<RegistryAuth> credentials = credentialsFor(ref);
        if (classic != null) {
            classic.pull(ref, credentials, log);
            return null;
        }
        try {
            if (credentials.isEmpty()) {
                cli.pull(ref, log);
            } else {
                Path config = dockerConfig(credentials.get());
                try {
                    cli.withEnvironment("DOCKER_CONFIG", config.toString()).pull(ref, log);
                } finally {
                    org.imagetree.execute.ScratchDirectories.delete(config);
                }
            }
        } catch (DockerCli.DockerException e) {
            throw new EngineException(e.getMessage(), e);
        }
        return null;
    }

    /**
     * What the registry serves now for each of {@code tags} (a digest, or empty), asked before a build: publishing
     * then tells a tag another run published meanwhile (never overwritten) from one that was there before (replaced).
     * Empty answers for every tag without a registry client.
     */
    public Map<String, Optional<String>> servedNow(List<String> tags) throws EngineException {
        Map<String, Optional<String>> out = new java.util.LinkedHashMap<>();
        try {
            for (String tag : tags) out.put(tag, registry == null ? Optional.empty() : served(registry, tag));
        } catch (org.imagetree.registry.RegistryException e) {
            throw new EngineException(e.getMessage(), e);
        }
        return out;
    }

    private static Optional<String> served(org.imagetree.registry.RegistryClient client, String tag) {
        return client.headManifest(ImageReference.parse(tag)).map(org.imagetree.registry.ManifestDescriptor::digest);
    }

    /**
     * Publishes the local image {@code image} (an id or a reference) under every one of {@code tags}, checked against
     * the registry the way tree tags are: every tag ends serving the pushed digest; a tag that does not (its PUT lost,
     * the registry still answering the old digest) is set again; a tag another run published since {@code before} (a
     * digest that is neither the one it had then nor ours) is never overwritten, and its result is that run's digest.
     *
     * <p>With a registry client and the Engine API, the image goes request by request ({@link ImagePublisher}: each
     * request retried on its own, uploads resumed, blobs mounted, the manifest last; its retries told on {@code log});
     * otherwise through the engine or the docker CLI, as it was built, each push repeated with bounded backoff.
     *
     * @param before what {@link #servedNow} answered for the tags before the build
     * @return per tag, the digest the registry serves for it
     */
    public List<ServicePipeline.Published> publish(String image, boolean builtWithBuildKit, List<String> tags,
                                                   Map<String, Optional<String>> before, Consumer<String> log) throws EngineException {
        return publish(image, builtWithBuildKit, tags, before, log, null);
    }

    /**
     * A publisher for several pushes (a service pipeline's run): they share its exports and what it learnt, and an
     * image can be exported ahead of its push ({@link ImagePublisher#prepare}); the caller closes it. Empty when this
     * engine pushes through the engine (no registry configured, no Engine API).
     *
     * @param scratch where its scratch directory goes
     * @param log     where its registry client tells retries
     */
    public Optional<ImagePublisher> newPublisher(Path scratch, Consumer<String> log) {
        if (registry == null || classic == null) return Optional.empty();
        return Optional.of(new ImagePublisher(classic, new org.imagetree.registry.RegistryClient(registry.options(), log), scratch,
                org.imagetree.registry.KnownLayers.defaultStore(System.getenv())));
    }

    /**
     * As {@link #publish(String, boolean, List, Map, Consumer)}, through {@code shared} ({@link #newPublisher}) when it
     * is not null.
     */
    public List<ServicePipeline.Published> publish(String image, boolean builtWithBuildKit, List<String> tags,
                                                   Map<String, Optional<String>> before, Consumer<String> log, ImagePublisher shared)
            throws EngineException {
        if (registry == null || classic == null) {
            List<ServicePipeline.Published> out = new java.util.ArrayList<>();
            for (String tag : tags) {
                if (!tag.equals(image)) tagLocally(image, tag);
                out.add(new ServicePipeline.Published(tag, pushThroughEngine(tag, builtWithBuildKit, log)));
            }
            return out;
        }
        ImagePublisher own = shared != null ? null : newPublisher(Path.of(System.getProperty("java.io.tmpdir")), log).orElseThrow();
        ImagePublisher publisher = shared != null ? shared : own;
        org.imagetree.registry.RegistryClient client = publisher.registry();
        try {
            Map<String, String> ours = new java.util.LinkedHashMap<>();
            Map<String, String> result = new java.util.LinkedHashMap<>();
            for (String tag : tags) {
                Optional<String> now = served(client, tag);
                Optional<String> then = before.getOrDefault(tag, Optional.empty());
                if (now.isPresent() && !now.equals(then) && !ours.containsValue(now.get())) {
                    log.accept("another run published " + tag + " as " + now.get() + " meanwhile; not overwriting it");
                    result.put(tag, now.get());
                    continue;
                }
                ImagePublisher.Published p = publisher.push(image, tag, List.of(), log);
                ours.put(tag, p.digest());
                result.put(tag, p.digest());
            }
            // Every tag set must serve the pushed digest now: a lost PUT, an answer the registry did not keep, is set again.
            for (Map.Entry<String, String> t : ours.entrySet()) {
                String tag = t.getKey();
                for (int attempt = 1; ; attempt++) {
                    Optional<String> now = served(client, tag);
                    if (now.isPresent() && now.get().equals(t.getValue())) break;
                    if (now.isPresent() && !now.equals(before.getOrDefault(tag, Optional.empty()))) {
                        log.accept("another run published " + tag + " as " + now.get() + " after this run did; keeping it");
                        result.put(tag, now.get());
                        break;
                    }
                    if (attempt > 2) {
                        throw new EngineException("pushed " + tag + " as " + t.getValue() + " but the registry answers "
                                + now.orElse("nothing") + " for it");
                    }
                    log.accept(tag + " does not serve " + t.getValue() + " (" + now.orElse("missing") + "): setting it again");
                    publisher.push(image, tag, List.of(), log);
                }
            }
            List<ServicePipeline.Published> out = new java.util.ArrayList<>();
            result.forEach((tag, digest) -> out.add(new ServicePipeline.Published(tag, digest)));
            return out;
        } catch (org.imagetree.registry.RegistryException e) {
            // The request, its status and the attempts are in the message; a failure of the engine's push is one too.
            throw new EngineException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("publishing " + String.join(", ", tags) + " interrupted");
        } finally {
            if (own != null) own.close();
        }
    }

    /**
     * Pushes {@code reference} (a local tag) and returns the digest the registry serves for it: {@link #publish} of that
     * one tag, checked against what the registry served for it just before.
     */
    public String push(String reference, boolean builtWithBuildKit, Consumer<String> log) throws EngineException {
        return push(reference, builtWithBuildKit, log, null);
    }

    /** As {@link #push(String, boolean, Consumer)}, through {@code shared} ({@link #newPublisher}) when it is not null. */
    public String push(String reference, boolean builtWithBuildKit, Consumer<String> log, ImagePublisher shared) throws EngineException {
        List<String> tag = List.of(reference);
        return publish(reference, builtWithBuildKit, tag, servedNow(tag), log, shared).get(0).digest();
    }

    private void tagLocally(String image, String tag) throws EngineException {
        if (classic != null) {
            classic.tag(image, tag);
        } else {
            try {
                cli.tag(image, tag);
            } catch (DockerCli.DockerException e) {
                throw new EngineException(e.getMessage(), e);
            }
        }
    }

    /** The engine's own push (or the CLI's), repeated with bounded backoff when it fails in a way that may pass. */
    private String pushThroughEngine(String reference, boolean builtWithBuildKit, Consumer<String> log) throws EngineException {
        try {
            return new org.imagetree.execute.EngineRetry(org.imagetree.registry.RetryPolicy.DEFAULT)
                    .run("push of " + reference, log, () -> pushOnce(reference, builtWithBuildKit, log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("push of " + reference + " interrupted");
        }
    }

    private String pushOnce(String reference, boolean builtWithBuildKit, Consumer<String> log) throws EngineException {
        Optional<RegistryAuth> credentials = credentialsFor(reference);
        if (!builtWithBuildKit && classic != null) return classic.push(reference, credentials, log);
        if (credentials.isEmpty()) return cli.push(reference, log);
        Path config = dockerConfig(credentials.get());
        try {
            return cli.withEnvironment("DOCKER_CONFIG", config.toString()).push(reference, log);
        } finally {
            org.imagetree.execute.ScratchDirectories.delete(config);
        }
    }

    /** Runs {@code image} (its entrypoint) with host networking. */
    public DockerCli.Result run(String image) {
        return cli.run(image, List.of(), Map.of());
    }

    public void remove(String image) {
        cli.removeImage(image);
    }

    private Optional<RegistryAuth> credentialsFor(String reference) {
        if (auth == null) return Optional.empty();
        try {
            return ImageReference.parse(reference).registry().equals(auth.registry()) ? Optional.of(auth) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A private docker client configuration directory holding only the auth for one registry. */
    static Path dockerConfig(RegistryAuth a) {
        Path dir;
        try {
            dir = Files.createTempDirectory("imagetree-docker-config", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary docker configuration", e);
        }
        try {
            Path file = Files.createFile(dir.resolve("config.json"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String token = Base64.getEncoder().encodeToString((a.username() + ":" + a.password()).getBytes(StandardCharsets.UTF_8));
            Files.writeString(file, "{\"auths\":{\"" + jsonEscape(a.registry()) + "\":{\"auth\":\"" + token + "\"}}}\n", StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            org.imagetree.execute.ScratchDirectories.delete(dir);
            throw new UncheckedIOException("cannot write the temporary docker configuration", e);
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
