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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code imagetree blubber build FILE VARIANT [--context DIR] [--tag REF]... [--build-arg K=V] [--publish]}:
 * compile, check every base against the registry policy, build against the real engine (classic through
 * docker-java, BuildKit through the docker CLI; see {@link VariantEngine}), optionally push every tag.
 */
public final class VariantBuild {
    /** {@code context} defaults to {@link Blubber#defaultContext}; {@code policy} may be null. */
    public record Request(Path file, String variant, Path context, List<String> tags, Map<String, String> buildArgs,
                          Path policy, boolean publish, CompileOptions options) {
        public Request {
            Objects.requireNonNull(file);
            Objects.requireNonNull(variant);
            context = context == null ? Blubber.defaultContext(file) : context;
            tags = tags == null ? List.of() : List.copyOf(tags);
            buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
            options = options == null ? CompileOptions.defaults() : options;
        }
    }

    /** The image id and, per tag, the pushed digest ("" when not published). */
    public record Result(String imageId, boolean buildKit, List<ServicePipeline.Published> references) {}

    private final VariantEngine engine;
    private final Consumer<String> log;

    public VariantBuild(VariantEngine engine, Consumer<String> log) {
        this.engine = Objects.requireNonNull(engine);
        this.log = Objects.requireNonNull(log);
    }

    /** Everything through the docker CLI, without credentials or registry policy. */
    public VariantBuild(DockerCli docker, Consumer<String> log) {
        this(VariantEngine.cliOnly(docker), log);
    }

    public Result run(Request r) throws EngineException {
        if (r.publish() && r.tags().isEmpty()) throw new IllegalArgumentException("publishing needs at least one tag");
        Policy policy = r.policy() == null ? null : Policy.read(r.policy());
        org.imagetree.read.ContextBoundary.of(r.context()).requireInside(r.file());
        BlubberConfig config = ConfigDecoder.readAndValidate(r.file());
        CompiledDockerfile df = BlubberCompiler.compile(config, r.variant(), policy, r.options());
        engine.checkRegistryPolicy(r.file(), config, r.variant(), df);
        engine.checkContext(r.context());
        log.accept("building " + r.variant() + (df.buildKit() ? " (BuildKit)" : " (classic builder)")
                + (r.tags().isEmpty() ? "" : " as " + String.join(", ", r.tags())));
        // What the registry serves for the tags before the build: a tag another run publishes meanwhile is not overwritten.
        Map<String, java.util.Optional<String>> before = r.publish() ? engine.servedNow(r.tags()) : Map.of();
        String id = engine.build(df, r.context(), r.tags(), r.buildArgs(), Map.of(), log);
        List<ServicePipeline.Published> refs = new ArrayList<>();
        if (r.publish()) {
            refs.addAll(engine.publish(id, df.buildKit(), r.tags(), before, log));
        } else {
            for (String tag : r.tags()) refs.add(new ServicePipeline.Published(tag, ""));
        }
        for (ServicePipeline.Published p : refs) {
            log.accept((r.publish() ? "published " : "built ") + p.reference() + (p.digest().isEmpty() ? "" : "@" + p.digest()));
        }
        return new Result(id, df.buildKit(), refs);
    }
}
