package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.execute.DockerCli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code imagetree blubber build FILE VARIANT [--context DIR] [--tag REF]... [--build-arg K=V] [--publish]}:
 * compile, build against the real engine (BuildKit when the variant needs it), optionally push every tag.
 */
public final class VariantBuild {
    /** {@code context} defaults to the config file's directory; {@code policy} may be null. */
    public record Request(Path file, String variant, Path context, List<String> tags, Map<String, String> buildArgs,
                          Path policy, boolean publish, CompileOptions options) {
        public Request {
            Objects.requireNonNull(file);
            Objects.requireNonNull(variant);
            context = context == null ? file.toAbsolutePath().getParent() : context;
            tags = tags == null ? List.of() : List.copyOf(tags);
            buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
            options = options == null ? CompileOptions.defaults() : options;
        }
    }

    /** The image id and, per tag, the pushed digest ("" when not published). */
    public record Result(String imageId, boolean buildKit, List<ServicePipeline.Published> references) {}

    private final DockerCli docker;
    private final Consumer<String> log;

    public VariantBuild(DockerCli docker, Consumer<String> log) {
        this.docker = Objects.requireNonNull(docker);
        this.log = Objects.requireNonNull(log);
    }

    public Result run(Request r) {
        if (r.publish() && r.tags().isEmpty()) throw new IllegalArgumentException("--publish needs at least one --tag");
        CompiledDockerfile df = Blubber.compile(r.file(), r.variant(), r.policy(), r.options());
        String id = docker.build(new DockerCli.BuildRequest(r.context(), df.text(), r.tags(), r.buildArgs(), Map.of(),
                df.buildKit(), "", false), log);
        List<ServicePipeline.Published> refs = new ArrayList<>();
        for (String tag : r.tags()) refs.add(new ServicePipeline.Published(tag, r.publish() ? docker.push(tag, log) : ""));
        return new Result(id, df.buildKit(), refs);
    }
}
