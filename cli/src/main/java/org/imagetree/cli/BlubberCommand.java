package org.imagetree.cli;

import org.imagetree.InputError;
import org.imagetree.blubber.Blubber;
import org.imagetree.blubber.ServicePipeline;
import org.imagetree.blubber.VariantBuild;
import org.imagetree.blubber.VariantEngine;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.Policy;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code blubber}: Blubber service images. Config and policy errors exit with Blubber's codes (2 read, 3 expansion,
 * 4 validation, 5 policy load, 6 policy violation); the engine config ({@code -c}) is optional and, when present,
 * gives the registry, namespace, credentials and registry policy.
 */
@Command(name = "blubber", description = "Blubber service images: compile a variant's Dockerfile, build it, run the post-merge pipeline.",
        subcommands = {BlubberCommand.Compile.class, BlubberCommand.Build.class, BlubberCommand.Pipeline.class})
final class BlubberCommand {
    @ParentCommand ImageTreeCommand root;

    /** {@code --buildkit} or {@code --classic}; neither: BuildKit only when a variant needs it. */
    static final class FlavourOptions {
        @Option(names = "--buildkit", description = "BuildKit Dockerfile (RUN --mount for caches and mounts), built with DOCKER_BUILDKIT=1.") boolean buildKit;
        @Option(names = "--classic", description = "Classic-builder Dockerfile (fallbacks for caches, mounts and excludes).") boolean classic;

        static CompileOptions options(FlavourOptions f) {
            CompileOptions o = CompileOptions.defaults();
            if (f == null) return o;
            return o.withFlavour(f.buildKit ? CompileOptions.Flavour.BUILDKIT : f.classic ? CompileOptions.Flavour.CLASSIC : CompileOptions.Flavour.AUTO);
        }
    }

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) throw new InputError(file, 0, "no such Blubber config file");
    }

    static Map<String, String> buildArgs(List<String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        if (given == null) return out;
        for (String kv : given) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new InputError("--build-arg needs NAME=VALUE, got '" + kv.substring(0, Math.max(0, eq < 0 ? Math.min(kv.length(), 40) : eq)) + "'");
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    /** The variant engine for the engine config (if any): classic builds through docker-java, BuildKit through the CLI. */
    VariantEngine variantEngine(Optional<EngineConfig> config, ContainerEngine classic) {
        DockerCli cli;
        try {
            cli = DockerCli.locateWithBuildKit(root.env());
        } catch (IllegalStateException e) {
            throw new InputError(e.getMessage());
        }
        return VariantEngine.forConfig(config, cli, classic);
    }

    Consumer<String> progress() {
        PrintWriter out = root.out();
        return line -> {
            out.println(line);
            out.flush();
        };
    }

    @Command(name = "compile", description = "Print the Dockerfile of VARIANT (Blubber's compile).")
    static final class Compile implements Callable<Integer> {
        @ParentCommand BlubberCommand blubber;
        @Option(names = {"-p", "--policy"}, paramLabel = "POLICY", description = "Blubber policy file checked against the expanded config.") Path policy;
        @ArgGroup(exclusive = true) FlavourOptions flavour;
        @Parameters(index = "0", paramLabel = "FILE", description = "blubber.yaml") Path file;
        @Parameters(index = "1", paramLabel = "VARIANT", description = "Variant to compile.") String variant;

        @Override
        public Integer call() {
            requireFile(file);
            blubber.root.configIfPresent(); // not needed to compile, but a config given with -c must be valid here too
            CompiledDockerfile df = Blubber.compile(file, variant, policy, FlavourOptions.options(flavour));
            blubber.root.out().print(df.text());
            blubber.root.out().flush();
            return 0;
        }
    }

    @Command(name = "build", description = "Build VARIANT against the Docker Engine; with --publish push every --tag.")
    static final class Build implements Callable<Integer> {
        @ParentCommand BlubberCommand blubber;
        @Option(names = {"-p", "--policy"}, paramLabel = "POLICY", description = "Blubber policy file checked against the expanded config.") Path policy;
        @ArgGroup(exclusive = true) FlavourOptions flavour;
        @Option(names = "--context", paramLabel = "DIR", description = "Build context (default: the config file's directory; the repository for .pipeline/blubber.yaml).") Path context;
        @Option(names = {"-t", "--tag"}, paramLabel = "REF", description = "Full image reference to tag (repeatable).") List<String> tags;
        @Option(names = "--build-arg", paramLabel = "K=V", description = "Build argument (repeatable).") List<String> buildArgs;
        @Option(names = "--publish", description = "Push every tag with the engine config's credentials.") boolean publish;
        @Parameters(index = "0", paramLabel = "FILE", description = "blubber.yaml") Path file;
        @Parameters(index = "1", paramLabel = "VARIANT", description = "Variant to build.") String variant;

        @Override
        public Integer call() throws Exception {
            requireFile(file);
            if (publish && (tags == null || tags.isEmpty())) throw new InputError("--publish needs at least one --tag");
            ImageTreeCommand root = blubber.root;
            try (ContainerEngine engine = root.containerEngine()) {
                VariantBuild.Result r = new VariantBuild(blubber.variantEngine(root.configIfPresent(), engine), blubber.progress())
                        .run(new VariantBuild.Request(file, variant, context, tags, buildArgs(buildArgs), policy, publish,
                                FlavourOptions.options(flavour)));
                root.out().println("image " + r.imageId() + (r.buildKit() ? " (BuildKit)" : " (classic builder)"));
                for (ServicePipeline.Published p : r.references()) {
                    root.out().println(p.digest().isEmpty() ? p.reference() : p.reference() + "@" + p.digest());
                }
                root.out().flush();
                return 0;
            }
        }
    }

    @Command(name = "pipeline", description = "Post-merge service pipeline: build and run the test variant, build, tag, label and publish the production variant.")
    static final class Pipeline implements Callable<Integer> {
        @ParentCommand BlubberCommand blubber;
        @Option(names = {"-p", "--policy"}, paramLabel = "POLICY", description = "Blubber policy file checked against the expanded config.") Path policy;
        @ArgGroup(exclusive = true) FlavourOptions flavour;
        @Option(names = "--context", paramLabel = "DIR", description = "Build context (default: the config file's directory; the repository for .pipeline/blubber.yaml).") Path context;
        @Option(names = "--test-variant", paramLabel = "VARIANT", defaultValue = "test", description = "Variant built and run as the test (default: ${DEFAULT-VALUE}).") String testVariant;
        @Option(names = "--production-variant", paramLabel = "VARIANT", defaultValue = "production", description = "Variant published (default: ${DEFAULT-VALUE}).") String productionVariant;
        @Option(names = "--registry", paramLabel = "HOST", description = "Registry to publish to (default: the engine config's registry).") String registry;
        @Option(names = "--namespace", paramLabel = "NS", description = "Namespace in the registry (default: the engine config's namespace).") String namespace;
        @Option(names = "--project", paramLabel = "NAME", description = "Image name (default: the context directory's name).") String project;
        @Option(names = {"-t", "--tag"}, paramLabel = "T", description = "Extra tag besides <timestamp>-production, e.g. the git tag or commit (repeatable).") List<String> tags;
        @Option(names = "--build-arg", paramLabel = "K=V", description = "Build argument (repeatable).") List<String> buildArgs;
        @Option(names = "--source", paramLabel = "URL", description = "org.opencontainers.image.source label.") String source;
        @Option(names = "--revision", paramLabel = "SHA", description = "org.opencontainers.image.revision label.") String revision;
        @Option(names = "--publish", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Push the production tags (default: true).") boolean publish;
        @Parameters(index = "0", paramLabel = "FILE", description = "blubber.yaml") Path file;

        @Override
        public Integer call() throws Exception {
            requireFile(file);
            ImageTreeCommand root = blubber.root;
            Optional<EngineConfig> config = root.configIfPresent();
            String reg = registry != null ? registry : config.map(EngineConfig::registry).orElse("");
            String ns = namespace != null ? namespace : config.map(EngineConfig::namespace).orElse("");
            Path ctx = context != null ? context : org.imagetree.blubber.Blubber.defaultContext(file);
            String name = project != null ? project : ctx.toAbsolutePath().normalize().getFileName().toString();
            Policy blubberPolicy = policy == null ? null : Policy.read(policy);
            try (ContainerEngine engine = root.containerEngine()) {
                ServicePipeline.Result r;
                try {
                    r = new ServicePipeline(blubber.variantEngine(config, engine), Clock.systemUTC(), blubber.progress())
                            .run(new ServicePipeline.Options(file, ctx, testVariant, productionVariant, reg, ns, name, tags,
                                    buildArgs(buildArgs), source, revision, blubberPolicy, publish, FlavourOptions.options(flavour)));
                } catch (ServicePipeline.TestFailure e) {
                    root.err().println("error: variant '" + testVariant + "' failed its test run with exit code " + e.exitCode());
                    root.err().flush();
                    return 1;
                }
                root.out().println(publish ? "published:" : "built (not published):");
                for (ServicePipeline.Published p : r.references()) {
                    root.out().println(p.digest().isEmpty() ? p.reference() : p.reference() + "@" + p.digest());
                }
                root.out().flush();
                return 0;
            }
        }
    }
}
