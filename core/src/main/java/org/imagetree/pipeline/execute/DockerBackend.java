package org.imagetree.pipeline.execute;

import org.imagetree.InputError;
import org.imagetree.blubber.BlubberRegistryPolicy;
import org.imagetree.blubber.VariantEngine;
import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ContainerRuns;
import org.imagetree.execute.EngineException;
import org.imagetree.execute.ImagePublisher;
import org.imagetree.model.Dockerfiles;
import org.imagetree.model.ImageReference;
import org.imagetree.policy.Violation;
import org.imagetree.read.BuildContextWriter;
import org.imagetree.read.ContextBoundary;
import org.imagetree.read.DockerIgnore;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The engine Image Tree already has, for pipeline steps: Blubber compiled in process and checked against the registry
 * policy ({@link BlubberRegistryPolicy}, images this run built excepted), builds through {@link VariantEngine} (classic
 * through docker-java, BuildKit through the docker CLI; the context's symlinks checked), bases pulled through the
 * Engine API with the registry's credentials before the build starts (each pull retried), containers through the Engine
 * API ({@link ContainerRuns}), and pushes through {@link VariantEngine#push} (request by request through the registry
 * API when the engine config names a registry, {@link org.imagetree.execute.ImagePublisher}; else the engine's push
 * with its retries) confirmed by asking the registry ({@link RegistryClient}) which digest it serves. One per run:
 * bases are pulled once per run and each Blubber variant compiled once (the checks before the run and the build share
 * it). Thread-safe.
 */
public final class DockerBackend implements PipelineBackend {
    private static final Pattern FULL_ID = Pattern.compile("sha256:[0-9a-f]{64}");
    private final VariantEngine variants;
    private final ContainerEngine engine;
    private final ContainerRuns containers;
    private final Optional<RegistryClient> registry;
    private final Optional<ContainerEngine.RegistryAuth> auth;
    private final Path workDirectory;
    private final Duration runTimeout;
    /**
     * The pull of each base by this backend (one per run): {@code imagePullPolicy: always} pulls each base once per
     * run, not once per stage, and a stage that needs a base another stage is pulling waits for that pull.
     */
    private final Map<String, FutureTask<Void>> pulls = new ConcurrentHashMap<>();
    /**
     * Each Blubber file's variant compiled once per run (the checks before the run and the build share it), keyed by
     * the file's content too, so that a file changed during the run is compiled again.
     */
    private final Map<CompileKey, Compiled> compiled = new ConcurrentHashMap<>();

    /**
     * @param workDirectory where prepared contexts (for {@code excludes}) go, private to the run
     * @param runTimeout    how long a container may run (PipelineLib: 20 minutes)
     */
    public DockerBackend(VariantEngine variants, ContainerEngine engine, ContainerRuns containers, Optional<RegistryClient> registry,
                         Optional<ContainerEngine.RegistryAuth> auth, Path workDirectory, Duration runTimeout) {
        this.variants = variants;
        this.engine = engine;
        this.containers = containers;
        this.registry = registry;
        this.auth = auth;
        this.workDirectory = workDirectory;
        this.runTimeout = runTimeout;
    }

    private record Compiled(BlubberConfig config, CompiledDockerfile dockerfile) {}

    private record CompileKey(Path file, String content, String variant) {}

    private Compiled compile(BuildSpec spec) {
        ContextBoundary.of(spec.repository()).requireInside(spec.blubberFile());
        if (!Files.isRegularFile(spec.blubberFile())) throw new InputError(spec.displayName(), 0, "no such Blubber config file", null);
        String content;
        try {
            content = Files.readString(spec.blubberFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return compileNow(spec); // ConfigDecoder says what is wrong with the file (unreadable, not UTF-8) at its name
        }
        CompileKey key = new CompileKey(spec.blubberFile(), content, spec.variant());
        Compiled c = compiled.get(key);
        if (c == null) {
            c = compileNow(spec);
            compiled.putIfAbsent(key, c);
        }
        return c;
    }

    private static Compiled compileNow(BuildSpec spec) {
        BlubberConfig config = ConfigDecoder.readAndValidate(spec.blubberFile());
        // BuildKit, as PipelineLib builds (its BuildKit frontend): its cache is kept apart from images and answers fastest.
        CompiledDockerfile df = BlubberCompiler.compile(config, spec.variant(), null, CompileOptions.defaults().withFlavour(CompileOptions.Flavour.BUILDKIT));
        return new Compiled(config, df);
    }

    /** Violations of the registry policy, but for images this run built (a later stage may build on one). */
    private List<Violation> violations(BuildSpec spec, Compiled c) {
        if (variants.registryPolicy().isEmpty()) return List.of();
        List<Violation> out = new ArrayList<>();
        for (Violation v : BlubberRegistryPolicy.check(spec.blubberFile(), c.config(), spec.variant(), c.dockerfile(), variants.registryPolicy().get())) {
            if (!spec.ownImages().contains(v.reference())) out.add(v);
        }
        return out;
    }

    @Override
    public List<String> checkBuild(BuildSpec spec) {
        List<String> problems = new ArrayList<>();
        try {
            Compiled c = compile(spec);
            for (Violation v : violations(spec, c)) problems.add(shown(spec, v.toString()));
        } catch (InputError e) {
            problems.add(shown(spec, e.getMessage()));
        }
        if (!Files.isDirectory(spec.context())) {
            problems.add(shown(spec, spec.context() + ": the build context is not a directory"));
        } else {
            for (InputError e : ContextBoundary.of(spec.repository()).contextProblems(spec.context())) problems.add(shown(spec, e.getMessage()));
        }
        return problems;
    }

    @Override
    public Optional<String> engineProblem() {
        return engine.ping() ? Optional.empty() : Optional.of("the container engine does not answer (is Docker running, is DOCKER_HOST right?)");
    }

    /** A message with the Blubber file as the config names it and other paths relative to the repository. */
    private static String shown(BuildSpec spec, String message) {
        String root = spec.repository().toString() + "/";
        return message.replace(spec.blubberFile().toString(), spec.displayName()).replace(root, "");
    }

    @Override
    public Built build(BuildSpec spec, Consumer<String> log) throws EngineException, InterruptedException {
        Compiled c = compile(spec);
        List<Violation> violations = new ArrayList<>();
        for (Violation v : violations(spec, c)) violations.add(v.file() != null && v.file().equals(spec.blubberFile().toString()) ? v.at(spec.displayName(), v.line()) : v);
        if (!violations.isEmpty()) throw new org.imagetree.policy.RegistryPolicyException(violations);
        ContextBoundary.requireNone(ContextBoundary.of(spec.repository()).contextProblems(spec.context()));
        if (spec.pull()) pullBases(spec, c.dockerfile(), log);
        Path prepared = null;
        Path context = spec.context();
        try {
            if (spec.excludes() != null) {
                prepared = Files.createTempDirectory(workDirectory, "context-");
                Path target = prepared.resolve("context");
                BuildContextWriter.copyContext(spec.context(), target, DockerIgnore.of(spec.excludes()), spec.repository());
                Files.writeString(target.resolve(DockerIgnore.FILE_NAME), String.join("\n", spec.excludes()) + "\n", StandardCharsets.UTF_8);
                context = target;
            }
            String id = variants.build(c.dockerfile(), context, List.of(spec.localName()), Map.of(), spec.labels(), log);
            // PipelineLib's imageID is the full one (docker build --iidfile): BuildKit builds report it (--iidfile), the
            // classic builder a short one, which the engine completes.
            String full = FULL_ID.matcher(id).matches() ? id : engine.inspect(spec.localName()).map(ContainerEngine.LocalImage::id).orElse(id);
            return new Built(full, c.dockerfile().buildKit());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the build context of " + spec.context(), e);
        } catch (org.imagetree.execute.DockerCli.DockerException e) {
            throw new EngineException(e.getMessage(), e);
        } finally {
            if (prepared != null) org.imagetree.execute.ScratchDirectories.delete(prepared);
        }
    }

    /**
     * {@code imagePullPolicy: always}: every image the build may pull is pulled first (docker build --pull), once per
     * run; when another stage is pulling it already, this one waits for that pull and fails with it. Each pull is
     * repeated with bounded backoff when it fails in a way that may pass (a 5xx, a dropped connection), each retry a
     * line of {@code log}. Images the engine lacks are pulled the same way by {@link VariantEngine#build} otherwise.
     */
    private void pullBases(BuildSpec spec, CompiledDockerfile df, Consumer<String> log) throws EngineException, InterruptedException {
        for (Dockerfiles.ImageUse use : Dockerfiles.pulledImages(df.text())) {
            String ref = use.resolvedImage();
            if (use.unresolvedArg() || spec.ownImages().contains(ref) || use.source() == Dockerfiles.Source.SYNTAX) continue;
            Optional<ContainerEngine.RegistryAuth> a = auth.filter(x -> {
                try {
                    return ImageReference.parse(ref).registry().equals(x.registry());
                } catch (IllegalArgumentException e) {
                    return false;
                }
            });
            FutureTask<Void> pull = new FutureTask<>(() -> {
                new org.imagetree.execute.EngineRetry(org.imagetree.registry.RetryPolicy.DEFAULT)
                        .run("pull of " + ref, log, () -> {
                            engine.pull(ref, a, line -> {});
                            return null;
                        });
                return null;
            });
            FutureTask<Void> first = pulls.putIfAbsent(ref, pull);
            if (first == null) {
                log.accept("pulling " + ref);
                pull.run();
            } else {
                pull = first;
            }
            try {
                pull.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EngineException ee) throw ee;
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new EngineException("pull of " + ref + " interrupted");
                }
                throw new EngineException("cannot pull " + ref + ": " + e.getCause(), e.getCause());
            }
        }
    }

    @Override
    public int run(RunSpec spec, Consumer<String> stdout, Consumer<String> stderr) throws EngineException, InterruptedException {
        return containers.run(new ContainerRuns.RunRequest(spec.name(), spec.image(), spec.arguments(), spec.environment()),
                stdout, stderr, runTimeout);
    }

    @Override
    public InputStream copyFrom(String container, String path) throws EngineException {
        return containers.copyFrom(container, path);
    }

    @Override
    public String publish(String image, boolean buildKit, String reference, Consumer<String> log) throws EngineException, InterruptedException {
        return publish(image, reference, log, null);
    }

    /**
     * One publisher for the run's pushes ({@link VariantEngine#newPublisher}, in {@code scratch}): an image is exported
     * once for all its tags, and a stage's image can be exported while the stages before it run.
     */
    @Override
    public RunPublishing publishing(Path scratch, Consumer<String> log) {
        Optional<ImagePublisher> publisher = variants.newPublisher(scratch, log);
        return new RunPublishing() {
            @Override
            public void prepare(String image, String registryHost, Consumer<String> l) throws EngineException, InterruptedException {
                if (publisher.isPresent()) publisher.get().prepare(image, registryHost, List.of(), l);
            }

            @Override
            public String publish(String image, boolean buildKit, String reference, Consumer<String> l) throws EngineException, InterruptedException {
                return DockerBackend.this.publish(image, reference, l, publisher.orElse(null));
            }

            @Override
            public void close() {
                publisher.ifPresent(ImagePublisher::close);
            }
        };
    }

    private String publish(String image, String reference, Consumer<String> log, ImagePublisher shared) throws EngineException {
        engine.tag(image, reference);
        // Whichever the builder (BuildKit's images are in the engine's store too): the push every tree build uses,
        // request by request through the registry API.
        String pushed = variants.push(reference, false, log, shared);
        if (registry.isEmpty()) return pushed;
        ImageReference ref = ImageReference.parse(reference);
        Optional<ManifestDescriptor> served;
        try {
            served = registry.get().headManifest(ref);
        } catch (RegistryException e) {
            throw new EngineException("pushed " + reference + " but cannot ask the registry for it: " + e.getMessage(), e);
        }
        if (served.isEmpty()) throw new EngineException("pushed " + reference + " but the registry does not have it");
        if (!served.get().digest().equals(pushed)) {
            throw new EngineException("pushed " + reference + " as " + pushed + " but the registry answers " + served.get().digest());
        }
        return pushed;
    }

    @Override
    public void removeContainer(String name) throws EngineException {
        containers.remove(name);
    }

    /** Untags; an image left without tags goes, its parents (the classic builder's cache) stay. */
    @Override
    public void removeImage(String reference) throws EngineException {
        containers.untag(reference);
    }

}
