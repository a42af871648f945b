package org.imagetree.pipeline.execute;

import org.imagetree.InputError;
import org.imagetree.config.SecretMask;
import org.imagetree.execute.EngineException;
import org.imagetree.pipeline.expr.ExecutionContext;
import org.imagetree.pipeline.expr.ExpressionException;
import org.imagetree.pipeline.expr.Interpolator;
import org.imagetree.pipeline.model.Pipeline;
import org.imagetree.pipeline.model.PipelineModeler;
import org.imagetree.pipeline.model.Stage;
import org.imagetree.pipeline.model.Steps;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.SetupBindings;
import org.imagetree.pipeline.plan.SetupFacts;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.read.PipelineYaml;
import org.imagetree.pipeline.read.YamlValue;
import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;
import org.imagetree.read.ContextBoundary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The execute stage: planned pipelines run on the engine, one pipeline after the other (PipelineLib stops at the first
 * that fails). Within a pipeline, a stage starts once every stage that leads to it in the execution graph has
 * succeeded, so independent stages run at the same time (at most {@code jobs}); a failed stage skips what depends on
 * it while the others finish, sends its {@code notify}, and fails the pipeline. Each stage runs its steps in
 * PipelineLib's order, evaluating their values in its {@link ExecutionContext}. The teardown always runs: the
 * containers and local image names of the run are removed, its helm releases uninstalled.
 *
 * <p>One executor per run; no global state.
 */
public final class PipelineExecutor {
    private static final Pattern HEX_ID = Pattern.compile("(sha256:)?([0-9a-f]{12,64})");
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** What the steps run on. */
    public record Services(PipelineBackend backend, CredentialResolver credentials, JenkinsActions jenkins, HelmDeployer helm,
                           ChartPromoter charts, Clock clock) {}

    private final Services services;
    private final PipelineSettings settings;
    private final SetupFacts facts;
    private final Path repository;
    private final Path workDirectory;
    private final int jobs;
    private final PipelineListener listener;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param repository    the repository root ({@code .pipeline/} is in it)
     * @param workDirectory private to this run: inline blubberfiles, prepared contexts, helm values
     */
    public PipelineExecutor(Services services, PipelineSettings settings, SetupFacts facts, Path repository, Path workDirectory,
                            int jobs, PipelineListener listener) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
        this.services = services;
        this.settings = settings;
        this.facts = facts;
        this.repository = repository.toAbsolutePath().normalize();
        this.workDirectory = workDirectory;
        this.jobs = jobs;
        this.listener = listener;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Before anything runs

    /**
     * Everything that would stop a stage that is planned to run, found before any runs: a publish without a registry,
     * deploy without helm or a cluster, promote without a charts checkout, a trigger or a credential this place cannot
     * give, the working directory missing, a Blubber config, variant, base or context a build cannot use. Each problem
     * is a line {@code file:line: problem}.
     */
    public List<String> preflight(PipelinePlan plan) {
        List<String> out = new ArrayList<>();
        for (var problem : plan.stepProblems()) out.add(problem.format(plan.file()));
        Set<String> buildProblems = new java.util.HashSet<>(); // one report per problem, not one per stage that has it
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            Path dir = repository.resolve(p.directory()).normalize();
            boolean dirExists = Files.isDirectory(dir);
            if (!dirExists) out.add(plan.file() + ":" + p.model().line() + ": pipeline '" + p.name() + "': the directory '"
                    + p.directory() + "' does not exist in " + repository);
            for (PipelinePlan.PlannedStage s : p.stages()) {
                if (!s.runs()) continue;
                Stage stage = s.model();
                String at = plan.file() + ":%d: stage '" + stage.name() + "' of pipeline '" + p.name() + "': ";
                stage.build().ifPresent(b -> {
                    if (!(s.steps().get("build") instanceof Map<?, ?> m)) return;
                    if (m.get("blubberfile") instanceof String file && m.get("variant") instanceof String variant && m.get("context") instanceof String ctx) {
                        Path context = repository.resolve(ctx).normalize();
                        Path blubber = repository.resolve(file).normalize();
                        List<String> excludes = m.get("excludes") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
                        for (String problem : services.backend().checkBuild(new PipelineBackend.BuildSpec(blubber, file, variant, context, excludes,
                                false, Map.of(), "localhost/plib-image-check", repository, Set.of()))) {
                            if (!dirExists && problem.endsWith("the build context is not a directory")) continue;
                            if (buildProblems.add(problem)) out.add(String.format(at, b.line()) + "build: " + problem);
                        }
                    }
                });
                stage.run().ifPresent(r -> {
                    Object creds = s.steps().get("run") instanceof Map<?, ?> m ? m.get("credentials") : null;
                    if (creds instanceof List<?> l) {
                        for (Object c : l) {
                            if (c instanceof Map<?, ?> cm && cm.get("id") instanceof String id) {
                                services.credentials().problem(id).ifPresent(pr -> out.add(String.format(at, r.line()) + "run.credentials: " + pr));
                            }
                        }
                    }
                });
                stage.publish().ifPresent(x -> {
                    if (settings.registry().isEmpty()) out.add(String.format(at, x.line()) + "publish needs a registry: set 'registry' in the engine config (-c)");
                });
                stage.promote().ifPresent(x -> services.charts().problem().ifPresent(pr -> out.add(String.format(at, x.line()) + pr)));
                stage.deploy().ifPresent(x -> services.helm().problem().ifPresent(pr -> out.add(String.format(at, x.line()) + pr)));
                stage.trigger().ifPresent(t -> {
                    Map<String, String> params = new LinkedHashMap<>();
                    Object planned = s.steps().get("trigger") instanceof Map<?, ?> m ? m.get("parameters") : null;
                    if (planned instanceof Map<?, ?> pm) pm.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
                    services.jenkins().triggerProblem(new JenkinsActions.Trigger(t.job(), params, t.propagate(), t.waitForCompletion()))
                            .ifPresent(pr -> out.add(String.format(at, t.line()) + pr));
                });
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The run

    /** Runs the planned pipelines in order; stops after the first that fails. */
    public PipelineRunResult run(PipelinePlan plan) throws InterruptedException {
        List<PipelineOutcome> done = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (PipelinePlan.PlannedPipeline p : plan.pipelines()) {
            if (!done.isEmpty() && !done.get(done.size() - 1).succeeded()) {
                notRun.add(p.name());
                continue;
            }
            done.add(new PipelineRun(p).run());
        }
        return new PipelineRunResult(done, notRun);
    }

    /** Masks every credential value given to a container of the run, in every line passed on. */
    private static final class Masker {
        private final Set<String> secrets = ConcurrentHashMap.newKeySet();
        private volatile SecretMask mask = SecretMask.of(List.of());

        void add(java.util.Collection<String> values) {
            if (secrets.addAll(values)) {
                synchronized (this) {
                    mask = SecretMask.of(secrets);
                }
            }
        }

        String apply(String s) { return mask.mask(s); }
    }

    /** One pipeline's run. */
    private final class PipelineRun {
        private final PipelinePlan.PlannedPipeline planned;
        private final Pipeline pipeline;
        private final ExecutionContext ctx;
        private final String timestamp;
        private final Masker masker = new Masker();
        private final Path directory;
        private final List<String> containers = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, StageResult.BuiltImage> images = new ConcurrentHashMap<>(); // by local name
        private final List<String> publishedTags = Collections.synchronizedList(new ArrayList<>());
        private final List<String> releases = Collections.synchronizedList(new ArrayList<>());

        PipelineRun(PipelinePlan.PlannedPipeline planned) {
            this.planned = planned;
            this.pipeline = planned.model();
            this.ctx = new ExecutionContext(SetupBindings.fullGraph(pipeline));
            this.timestamp = SetupBindings.timestamp(services.clock().instant());
            this.directory = repository.resolve(pipeline.directory()).normalize();
        }

        PipelineOutcome run() throws InterruptedException {
            SetupBindings.bind(ctx.ofNode(PipelineModeler.SETUP), facts, pipeline.name(), settings, timestamp);
            listener.pipelineStarted(pipeline.name(), timestamp, planned.frames());
            Map<String, StageResult> results = new LinkedHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(jobs, new NamedThreads("pipeline-" + pipeline.name()));
            CompletionService<StageResult> completions = new ExecutorCompletionService<>(pool);
            Set<String> pending = new LinkedHashSet<>();
            for (List<String> frame : planned.frames()) pending.addAll(frame);
            int running = 0;
            InterruptedException interrupted = null;
            try {
                running += settle(pending, results, completions);
                while (running > 0) {
                    Future<StageResult> f = completions.take();
                    running--;
                    StageResult r;
                    try {
                        r = f.get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a stage's task failed outside its steps", e.getCause());
                    }
                    results.put(r.stage(), r);
                    listener.stageFinished(r);
                    running += settle(pending, results, completions);
                }
            } catch (InterruptedException e) {
                interrupted = e;
                pool.shutdownNow();
                // Stages stop their work when interrupted; wait for them so that the teardown sees what they made.
                pool.awaitTermination(2, TimeUnit.MINUTES);
                for (String s : pending) results.putIfAbsent(s, StageResult.notRun(pipeline.name(), s, StageStatus.SKIPPED, "the run was interrupted"));
            } finally {
                pool.shutdownNow();
            }
            List<String> teardown = teardown();
            List<StageResult> ordered = new ArrayList<>();
            for (Stage s : pipeline.stages()) {
                StageResult r = results.get(s.name());
                ordered.add(r != null ? r : StageResult.notRun(pipeline.name(), s.name(),
                        pipeline.runs(s.name()) ? StageStatus.SKIPPED : StageStatus.NOT_RUN,
                        pipeline.runs(s.name()) ? "the run was interrupted" : "not in the execution graph"));
            }
            PipelineOutcome outcome = new PipelineOutcome(pipeline.name(), timestamp, ordered, teardown);
            listener.pipelineFinished(outcome);
            if (interrupted != null) {
                Thread.currentThread().interrupt();
                throw interrupted;
            }
            return outcome;
        }

        /**
         * Starts every pending stage whose predecessors all succeeded, skips every one with a predecessor that did not;
         * returns how many it started.
         */
        private int settle(Set<String> pending, Map<String, StageResult> results, CompletionService<StageResult> completions) {
            int started = 0;
            boolean changed = true;
            while (changed) {
                changed = false;
                for (String s : List.copyOf(pending)) {
                    Set<String> before = new LinkedHashSet<>(pipeline.graph().inTo(s));
                    if (!results.keySet().containsAll(before)) continue;
                    Optional<String> failed = before.stream().filter(b -> results.get(b).status() != StageStatus.SUCCEEDED).findFirst();
                    pending.remove(s);
                    changed = true;
                    if (failed.isPresent()) {
                        StageResult r = StageResult.notRun(pipeline.name(), s, StageStatus.SKIPPED, "stage '" + failed.get() + "' it follows did not succeed");
                        results.put(s, r);
                        listener.stageFinished(r);
                    } else {
                        Stage stage = pipeline.stage(s).orElseThrow();
                        completions.submit(() -> new StageRun(stage).run());
                        started++;
                    }
                }
            }
            return started;
        }

        /** Removes what the run made: containers, local names and published tags, images left untagged, releases. */
        private List<String> teardown() throws InterruptedException {
            List<String> problems = new ArrayList<>();
            Consumer<String> log = line -> listener.log(pipeline.name(), PipelineModeler.TEARDOWN, masker.apply(line));
            for (String c : List.copyOf(containers)) {
                try {
                    services.backend().removeContainer(c);
                } catch (EngineException e) {
                    problems.add("cannot remove the container " + c + ": " + e.getMessage());
                }
            }
            List<String> tags = new ArrayList<>(publishedTags);
            tags.addAll(images.keySet());
            for (String t : tags) {
                try {
                    services.backend().removeImage(t);
                } catch (EngineException e) {
                    problems.add("cannot remove " + t + ": " + e.getMessage());
                }
            }
            if (!releases.isEmpty() && !services.helm().purge(List.copyOf(releases), log)) {
                problems.add("cannot uninstall the releases " + releases);
            }
            problems.forEach(log);
            return problems;
        }

        private String random8() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i++) b.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
            return b.toString();
        }

        /** A step's failure, told as the stage's reason. */
        private static final class StepFailure extends Exception {
            private static final long serialVersionUID = 1L;

            StepFailure(String message) { super(message); }
        }

        /** One stage's steps. */
        private final class StageRun {
            private final Stage stage;
            private final ExecutionContext.NodeContext sc;
            private final List<StageResult.BuiltImage> built = new ArrayList<>();
            private final List<StageResult.PublishedImage> published = new ArrayList<>();
            private final Consumer<String> log;
            private String step = "";

            StageRun(Stage stage) {
                this.stage = stage;
                this.sc = ctx.ofNode(stage.name());
                this.log = line -> listener.log(pipeline.name(), stage.name(), masker.apply(line));
            }

            private Object eval(String path, YamlValue v) {
                return Interpolator.run(path, v, sc);
            }

            StageResult run() {
                Instant start = services.clock().instant();
                listener.stageStarted(pipeline.name(), stage.name());
                StageStatus status = StageStatus.SUCCEEDED;
                String reason = "";
                try {
                    sc.bind("stage", stage.name());
                    StepValues.Evaluator e = this::eval;
                    if (stage.build().isPresent()) build(stage.build().get(), e);
                    if (stage.run().isPresent()) runContainer(stage.run().get(), e);
                    if (stage.copy().isPresent()) copy(stage.copy().get(), e);
                    if (stage.publish().isPresent()) publish(stage.publish().get(), e);
                    if (stage.promote().isPresent()) promote(stage.promote().get(), e);
                    if (stage.deploy().isPresent()) deploy(stage.deploy().get(), e);
                    for (Steps.Export x : stage.exports()) {
                        step = "exports";
                        sc.bind(x.name(), eval("exports." + x.name(), x.value()));
                    }
                    if (stage.trigger().isPresent()) trigger(stage.trigger().get());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    status = StageStatus.FAILED;
                    reason = step + ": interrupted";
                } catch (StepFailure | EngineException | IOException | InputError | ExpressionException
                         | ExecutionContext.NameAlreadyBoundException | CredentialResolver.CredentialException
                         | IllegalArgumentException | org.imagetree.execute.DockerCli.DockerException ex) {
                    status = StageStatus.FAILED;
                    reason = (step.isEmpty() || ex.getMessage() != null && ex.getMessage().startsWith(step) ? "" : step + ": ") + ex.getMessage();
                } catch (Exception ex) {
                    status = StageStatus.FAILED;
                    reason = step + ": " + ex;
                }
                reason = masker.apply(reason);
                if (status == StageStatus.FAILED) {
                    log.accept("stage failed: " + reason);
                    notifyFailure();
                }
                Map<String, String> exports = new LinkedHashMap<>();
                sc.getAll().forEach((k, v) -> {
                    if (!k.equals("stage")) exports.put(k, masker.apply(Interpolator.text(v)));
                });
                return new StageResult(pipeline.name(), stage.name(), status, reason, Duration.between(start, services.clock().instant()),
                        built, published, exports);
            }

            private void build(Steps.Build b, StepValues.Evaluator e) throws Exception {
                step = "build";
                StepValues.BuildValues v = StepValues.build(pipeline, stage, b, e);
                Path blubber;
                String display;
                if (v.blubberfile() instanceof String file) {
                    display = Path.of(".pipeline").resolve(file).normalize().toString();
                    blubber = repository.resolve(display).normalize();
                    if (!blubber.startsWith(repository)) throw new StepFailure("blubberfile '" + file + "' leads out of the repository");
                } else if (v.blubberfile() instanceof Map<?, ?> inline) {
                    blubber = Files.createTempFile(workDirectory, "blubber-" + stage.name().replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".yaml");
                    Files.writeString(blubber, PipelineYaml.dump(inline), StandardCharsets.UTF_8);
                    display = blubber.toString();
                } else {
                    throw new StepFailure("blubberfile: expected a path or an inline Blubber config, got " + v.blubberfile());
                }
                String variant = string("build.variant", v.variant());
                Path context = inside("build.context", string("build.context", v.context()));
                List<String> excludes = v.excludes() == null ? null : strings("build.excludes", v.excludes());
                boolean pull = "always".equals(v.imagePullPolicy());
                String localName = "localhost/plib-image-" + random8();
                @SuppressWarnings("unchecked")
                Map<String, String> labels = (Map<String, String>) ctx.ofNode(stage.name()).binding(PipelineModeler.SETUP, "imageLabels");
                log.accept("build: variant " + variant + " of " + display + ", context " + repository.relativize(context)
                        + (excludes == null ? "" : ", excludes " + excludes) + (pull ? ", pulling bases" : ""));
                // Reserved before the build starts, so that the teardown removes the name even if the build is interrupted.
                images.put(localName, new StageResult.BuiltImage(variant, "", localName, false));
                PipelineBackend.Built image = services.backend().build(new PipelineBackend.BuildSpec(blubber, display, variant, context, excludes, pull,
                        labels, localName, repository, Set.copyOf(images.keySet())), log);
                String id = image.id().startsWith("sha256:") ? image.id().substring(7) : image.id();
                StageResult.BuiltImage result = new StageResult.BuiltImage(variant, id, localName, image.buildKit());
                images.put(localName, result);
                built.add(result);
                sc.bind("imageID", id);
                sc.bind("imageLocalName", localName);
                log.accept("build: image " + id + " (" + localName + ")");
            }

            /** The image an ID or local name designates, among the images this run built. */
            private StageResult.BuiltImage ownImage(String field, String image) throws StepFailure {
                StageResult.BuiltImage byName = images.get(image);
                if (byName != null && !byName.id().isEmpty()) return byName;
                java.util.regex.Matcher m = HEX_ID.matcher(image);
                if (m.matches()) {
                    for (StageResult.BuiltImage b : images.values()) {
                        if (!b.id().isEmpty() && b.id().startsWith(m.group(2))) return b;
                    }
                }
                throw new StepFailure(field + ": '" + image + "' is not an image this pipeline built (PipelineLib runs and publishes the images"
                        + " its stages build, by ID: ${STAGE.imageID})");
            }

            private void runContainer(Steps.Run r, StepValues.Evaluator e) throws Exception {
                step = "run";
                StepValues.RunValues v = StepValues.run(r, e);
                StageResult.BuiltImage image = ownImage("run.image", string("run.image", v.image()));
                List<String> args = strings("run.arguments", v.arguments());
                Map<String, String> env = new LinkedHashMap<>(stringMap("run.env", v.env()));
                List<String> secretNames = new ArrayList<>();
                if (v.credentials() instanceof List<?> creds) {
                    for (Object c : creds) {
                        if (!(c instanceof Map<?, ?> cm)) throw new StepFailure("run.credentials: expected {id, name}, got " + c);
                        Map<String, String> given = services.credentials().resolve(String.valueOf(cm.get("id")), cm.get("name") == null ? null : String.valueOf(cm.get("name")));
                        masker.add(given.values());
                        env.putAll(given);
                        secretNames.addAll(given.keySet());
                    }
                } else if (v.credentials() != null) {
                    throw new StepFailure("run.credentials: expected a list, got " + v.credentials());
                }
                String name = "plib-run-" + random8();
                containers.add(name);
                log.accept("run: " + image.localName() + " (" + image.id() + ")" + (args.isEmpty() ? "" : " " + args)
                        + (env.isEmpty() ? "" : ", env " + env.keySet()) + (secretNames.isEmpty() ? "" : " (credentials: " + secretNames + ")"));
                int tail = (int) Math.min(Integer.MAX_VALUE, Math.max(0, v.tail()));
                Deque<String> last = new ArrayDeque<>();
                Consumer<String> stdout = line -> {
                    String masked = masker.apply(line);
                    log.accept(masked);
                    if (tail > 0) {
                        synchronized (last) {
                            last.addLast(masked);
                            if (last.size() > tail) last.removeFirst();
                        }
                    }
                };
                int status = services.backend().run(new PipelineBackend.RunSpec(name, image.localName(), args, env), stdout, log);
                if (status != 0) throw new StepFailure("run: the container exited with status " + status);
                sc.bind("container", name);
                String output;
                synchronized (last) {
                    output = tail > 0 ? String.join("\n", last) + "\n" : "";
                }
                sc.bind("output", output);
            }

            private void copy(Steps.Copy c, StepValues.Evaluator e) throws Exception {
                step = "copy";
                List<String> urls = new ArrayList<>();
                for (StepValues.CopyItem item : StepValues.copy(c, e)) {
                    String from = string("copy.from", item.from());
                    if (!containers.contains(from)) throw new StepFailure("copy.from: '" + from + "' is not a container this pipeline ran");
                    String source = string("copy.source", item.source());
                    String dest = string("copy.destination", item.destination());
                    String relative = StepValues.destination(dest).orElseThrow(() -> new StepFailure("copy: destination '" + dest + "' leads out of the pipeline's directory"));
                    Path target = inside("copy.destination", relative);
                    String asked = source.endsWith("/") ? source + "." : source;
                    log.accept("copy: " + from + ":" + asked + " -> " + repository.relativize(target));
                    try (InputStream tar = services.backend().copyFrom(from, asked)) {
                        ContainerCopy.extract(tar, asked, target, relative.endsWith("/"), repository);
                    }
                    String url = "";
                    if (item.archive()) url = archive(target);
                    urls.add(url);
                }
                sc.bind("artifactURLs", String.join("\n", urls));
            }

            private String archive(Path target) throws IOException, InterruptedException {
                if (!services.jenkins().archives()) {
                    log.accept("copy: archive needs Jenkins: " + repository.relativize(target) + " is kept in the working directory, not archived");
                    return "";
                }
                Path artifact = target;
                if (Files.isDirectory(target)) {
                    artifact = target.resolveSibling(target.getFileName() + ".tar.gz");
                    Processes.Result r = Processes.run(List.of("tar", "zcf", artifact.toString(), "-C", target.toString(), "."),
                            Processes.base(System.getenv()), repository, log, Duration.ofMinutes(10));
                    if (r.exitCode() != 0) throw new IOException("tar of " + target + " failed (exit " + r.exitCode() + ")");
                }
                return services.jenkins().archive(repository, repository.relativize(artifact).toString()).orElse("");
            }

            private void publish(Steps.Publish p, StepValues.Evaluator e) throws Exception {
                step = "publish";
                StepValues.PublishValues v = StepValues.publish(p, settings, e);
                String imageName = string("publish.image.name", v.imageName());
                Optional<String> problem = StepValues.nameProblem(imageName, facts);
                if (problem.isPresent()) throw new StepFailure("publish: " + problem.get());
                List<String> tags = new ArrayList<>();
                for (Object t : v.imageTags()) tags.add(string("publish.image.tags", t));
                Optional<String> refProblem = StepValues.referenceProblem(imageName, tags);
                if (refProblem.isPresent()) throw new StepFailure("publish: " + refProblem.get());
                if (settings.registry().isEmpty()) throw new StepFailure("publish needs a registry: set 'registry' in the engine config");
                StageResult.BuiltImage image = ownImage("publish.image.id", string("publish.image.id", v.id()));
                String fullName = settings.qualify(imageName);
                for (String tag : tags) {
                    String reference = fullName + ":" + tag;
                    publishedTags.add(reference);
                    log.accept("publish: " + reference);
                    String digest = services.backend().publish(image.localName(), image.buildKit(), reference, log);
                    published.add(new StageResult.PublishedImage(reference, digest));
                    log.accept("publish: " + reference + "@" + digest);
                }
                String tag = string("publish.image.tag", v.tag());
                sc.bind("imageName", imageName);
                sc.bind("imageFullName", fullName);
                sc.bind("imageTag", tag);
                sc.bind("imageTags", List.copyOf(tags));
                sc.bind("publishedImage", fullName + ":" + tag);
            }

            private void promote(Steps.Promote p, StepValues.Evaluator e) throws Exception {
                step = "promote";
                List<ChartPromoter.Promotion> promotions = new ArrayList<>();
                for (StepValues.PromoteItem i : StepValues.promote(p, e)) {
                    promotions.add(new ChartPromoter.Promotion(string("promote.chart", i.chart()), strings("promote.environments", i.environments()),
                            string("promote.version", i.version())));
                }
                String job = facts.imageLabels().getOrDefault("jenkins.job", "imagetree pipeline run " + pipeline.name());
                String build = facts.imageLabels().getOrDefault("jenkins.build", timestamp);
                services.charts().promote(promotions, "Job: " + job + " Build: " + build, log);
            }

            private void deploy(Steps.Deploy d, StepValues.Evaluator e) throws Exception {
                step = "deploy";
                StepValues.DeployValues v = StepValues.deploy(d, settings, e);
                String release = services.helm().deploy(v, log);
                releases.add(release);
                sc.bind("releaseName", release);
                if (v.test()) services.helm().test(release, log);
            }

            private void trigger(Steps.Trigger t) throws Exception {
                step = "trigger";
                Map<String, String> params = new LinkedHashMap<>();
                for (YamlValue.Entry p : t.parameters()) params.put(p.key(), string("trigger.parameters." + p.key(), eval("trigger.parameters." + p.key(), p.value())));
                log.accept("trigger: " + services.jenkins().trigger(new JenkinsActions.Trigger(t.job(), params, t.propagate(), t.waitForCompletion())));
            }

            /** PipelineStage.notify: the merged notify config, evaluated now, sent through Jenkins. */
            private void notifyFailure() {
                Optional<Steps.Email> mail = StepValues.email(pipeline, stage);
                if (mail.isEmpty()) return;
                try {
                    Steps.Email m = mail.get();
                    Object to = eval("notify.email.to", m.to());
                    List<String> recipients = to instanceof List<?> l ? l.stream().map(Interpolator::text).toList() : List.of(Interpolator.text(to));
                    log.accept("notify: " + services.jenkins().notify(new JenkinsActions.Email(recipients,
                            Interpolator.text(eval("notify.email.subject", m.subject())), Interpolator.text(eval("notify.email.body", m.body())))));
                } catch (RuntimeException ex) {
                    log.accept("notify: cannot send: " + ex.getMessage());
                }
            }

            private String string(String field, Object v) throws StepFailure {
                if (v instanceof String s) return s;
                if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
                throw new StepFailure(field + ": expected a string, got " + (v instanceof List ? "a list" : v instanceof Map ? "a mapping" : String.valueOf(v)));
            }

            private List<String> strings(String field, Object v) throws StepFailure {
                if (!(v instanceof List<?> l)) throw new StepFailure(field + ": expected a list of strings, got " + (v instanceof Map ? "a mapping" : v));
                List<String> out = new ArrayList<>();
                for (Object o : l) out.add(string(field, o));
                return out;
            }

            private Map<String, String> stringMap(String field, Object v) throws StepFailure {
                if (!(v instanceof Map<?, ?> m)) throw new StepFailure(field + ": expected a mapping, got " + v);
                Map<String, String> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> en : m.entrySet()) out.put(String.valueOf(en.getKey()), string(field + "." + en.getKey(), en.getValue()));
                return out;
            }

            /** {@code relative} to the pipeline's directory, which must stay in the repository (no symlink out either). */
            private Path inside(String field, String relative) throws StepFailure {
                Path p = directory.resolve(relative.replaceFirst("^/+", "")).normalize();
                if (!p.startsWith(repository) || relative.contains("://")) throw new StepFailure(field + ": '" + relative + "' leads out of the repository");
                Optional<InputError> out = ContextBoundary.of(repository).problem(p);
                if (out.isPresent()) throw new StepFailure(field + ": " + out.get().getMessage());
                return p;
            }
        }
    }

    /** Daemon threads named after the pipeline. */
    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        NamedThreads(String prefix) { this.prefix = prefix; }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
