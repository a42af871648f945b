package org.imagetree.blubber;

import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberConfig;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Policy;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.EngineException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The post-merge service pipeline: build the test variant and run it (its entrypoint; non-zero fails), build the
 * production variant with OCI labels, tag it {@code <registry>/<namespace>/<project>:<UTC yyyy-MM-dd-HHmmss>-production}
 * plus extra tags, publish ({@link VariantEngine#publish}: request by request, the tags checked against the registry),
 * and return the references with their digests.
 */
public final class ServicePipeline {
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss");

    /** What to build and where to publish. {@code policy} may be null. */
    public record Options(Path blubberFile, Path context, String testVariant, String productionVariant,
                          String registry, String namespace, String project, List<String> extraTags,
                          Map<String, String> buildArgs, String sourceUrl, String revision, Policy policy,
                          boolean publish, CompileOptions compileOptions) {
        public Options {
            Objects.requireNonNull(blubberFile);
            context = context == null ? blubberFile.toAbsolutePath().getParent() : context;
            testVariant = testVariant == null || testVariant.isEmpty() ? "test" : testVariant;
            productionVariant = productionVariant == null || productionVariant.isEmpty() ? "production" : productionVariant;
            extraTags = extraTags == null ? List.of() : List.copyOf(extraTags);
            buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
            sourceUrl = sourceUrl == null ? "" : sourceUrl;
            revision = revision == null ? "" : revision;
            compileOptions = compileOptions == null ? CompileOptions.defaults() : compileOptions;
        }

        /** {@code <registry>/<namespace>/<project>}, without empty parts. */
        public String repository() {
            StringBuilder b = new StringBuilder();
            for (String part : new String[] {registry, namespace, project}) {
                if (part == null || part.isEmpty()) continue;
                if (b.length() > 0) b.append('/');
                b.append(part);
            }
            return b.toString();
        }
    }

    /** One published (or, without publishing, built) reference; the digest is empty when not pushed. */
    public record Published(String reference, String digest) {}

    /** The outcome: the test run's output and the production references. */
    public record Result(String testImageId, String testOutput, String productionImageId, List<Published> references) {}

    /** The test variant's entrypoint exited non-zero. */
    public static final class TestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        TestFailure(String variant, int exitCode, String output) {
            super("variant '" + variant + "' failed its test run with exit code " + exitCode + ":\n" + output);
            this.exitCode = exitCode;
        }

        public int exitCode() { return exitCode; }
    }

    private final VariantEngine engine;
    private final Clock clock;
    private final Consumer<String> log;

    public ServicePipeline(VariantEngine engine, Clock clock, Consumer<String> log) {
        this.engine = Objects.requireNonNull(engine);
        this.clock = Objects.requireNonNull(clock);
        this.log = Objects.requireNonNull(log);
    }

    /** Everything through the docker CLI, without credentials or registry policy. */
    public ServicePipeline(DockerCli docker, Clock clock, Consumer<String> log) {
        this(VariantEngine.cliOnly(docker), clock, log);
    }

    public Result run(Options o) throws EngineException {
        org.imagetree.read.ContextBoundary.of(o.context()).requireInside(o.blubberFile());
        BlubberConfig config = ConfigDecoder.readAndValidate(o.blubberFile());
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
        String stamp = TIMESTAMP.format(now);

        CompiledDockerfile test = BlubberCompiler.compile(config, o.testVariant(), o.policy(), o.compileOptions());
        CompiledDockerfile production = BlubberCompiler.compile(config, o.productionVariant(), o.policy(), o.compileOptions());
        // Both variants' bases are checked before anything is built.
        engine.checkRegistryPolicy(o.blubberFile(), config, o.testVariant(), test);
        engine.checkRegistryPolicy(o.blubberFile(), config, o.productionVariant(), production);
        engine.checkContext(o.context());
        List<String> tags = new ArrayList<>();
        tags.add(o.repository() + ":" + stamp + "-" + o.productionVariant());
        for (String extra : o.extraTags()) tags.add(o.repository() + ":" + extra);
        // What the registry serves for the tags before anything is built: a tag another run publishes meanwhile is kept.
        Map<String, java.util.Optional<String>> before = o.publish() ? engine.servedNow(tags) : Map.of();
        String testTag = o.repository() + ":" + stamp + "-" + o.testVariant();
        log.accept("building " + o.testVariant() + " as " + testTag);
        String testId = engine.build(test, o.context(), List.of(testTag), o.buildArgs(), Map.of(), log);
        log.accept("running " + o.testVariant());
        DockerCli.Result run;
        try {
            run = engine.run(testTag);
        } finally {
            engine.remove(testTag);
        }
        run.output().lines().forEach(log);
        if (run.exitCode() != 0) throw new TestFailure(o.testVariant(), run.exitCode(), run.output());

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.created", DateTimeFormatter.ISO_INSTANT.format(now.toInstant()));
        if (!o.sourceUrl().isEmpty()) labels.put("org.opencontainers.image.source", o.sourceUrl());
        if (!o.revision().isEmpty()) labels.put("org.opencontainers.image.revision", o.revision());
        log.accept("building " + o.productionVariant() + " as " + String.join(", ", tags));
        String productionId = engine.build(production, o.context(), tags, o.buildArgs(), labels, log);
        List<Published> published = new ArrayList<>();
        if (o.publish()) {
            published.addAll(engine.publish(productionId, production.buildKit(), tags, before, log));
        } else {
            for (String tag : tags) published.add(new Published(tag, ""));
        }
        for (Published p : published) {
            log.accept((o.publish() ? "published " : "built ") + p.reference() + (p.digest().isEmpty() ? "" : "@" + p.digest()));
        }
        return new Result(testId, run.output(), productionId, published);
    }
}
