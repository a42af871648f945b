package org.imagetree.cli;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.registry.RegistryClient;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code imagetree [-c FILE] [--debug|--info] ACTION ...}: docker-pkg's argument layout, so scripts only change
 * the program name, plus actions docker-pkg lacks (plan, render, graph).
 */
@Command(name = "imagetree", mixinStandardHelpOptions = true, version = "imagetree 0.1.0",
        description = "Builds a tree of container images (docker-pkg compatible).")
final class ImageTreeCommand {
    /**
     * The actions, in the order help lists them. {@link Main} registers only the one a command line names (picocli
     * reads every registered command's annotations up front: all of them cost ~80 ms of a ~0.5 s no-op build), and
     * all of them when it names none (help, version, a mistyped action).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(BuildCommand.class, PruneCommand.class, UpdateCommand.class,
            PlanCommand.class, RenderCommand.class, GraphCommand.class, PolicyCommand.class, LintCommand.class,
            BlubberCommand.class, PipelineCommand.class, BaseCommand.class, RefreshCommand.class, SecurityCommand.class, StaleCommand.class);

    /** The action {@code args} name: the first argument that is an action's name and not the value of {@code -c}. */
    static Optional<Class<?>> subcommandIn(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c") || a.equals("--configfile")) {
                i++; // its value
                continue;
            }
            if (a.startsWith("-")) continue;
            for (Class<?> c : SUBCOMMANDS) {
                if (c.getAnnotation(Command.class).name().equals(a)) return Optional.of(c);
            }
            return Optional.empty(); // the first positional argument is not an action: let picocli say so
        }
        return Optional.empty();
    }

    private final Map<String, String> env;

    @Spec CommandSpec spec;

    @Option(names = {"-c", "--configfile"}, paramLabel = "FILE", defaultValue = "config.yaml", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    static final class Verbosity {
        @Option(names = "--debug", description = "Log everything to standard output.") boolean debug;
        @Option(names = "--info", description = "Log build output to standard output.") boolean info;
    }

    @ArgGroup(exclusive = true) Verbosity verbosity;

    ImageTreeCommand(Map<String, String> env) { this.env = env; }

    Map<String, String> env() { return env; }

    boolean verbose() { return verbosity != null && (verbosity.debug || verbosity.info); }

    boolean debug() { return verbosity != null && verbosity.debug; }

    PrintWriter out() { return spec.commandLine().getOut(); }

    PrintWriter err() { return spec.commandLine().getErr(); }

    EngineConfig config() {
        EngineConfig config = ConfigLoader.load(Optional.of(configFile), env);
        config.warnings().forEach(w -> err().println("warning: " + w));
        return config;
    }

    /**
     * For commands that can do without a configuration: the one {@code -c} names (it must exist and be valid, as for
     * every other command), else {@code config.yaml} when it exists, else none.
     */
    Optional<EngineConfig> configIfPresent() {
        if (configGiven() || java.nio.file.Files.isRegularFile(configFile)) return Optional.of(config());
        return Optional.empty();
    }

    /** Whether {@code -c}/{@code --configfile} was on the command line (not the default). */
    boolean configGiven() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption("--configfile");
    }

    /** An engine for read-only work (no daemon, no registry). */
    ImageTreeEngine offlineEngine(EngineConfig config) {
        return new ImageTreeEngine(config, null, null, env, Clock.systemDefaultZone());
    }

    /** An engine connected to the Docker daemon and the registry. */
    ImageTreeEngine connectedEngine(EngineConfig config, ContainerEngine engine, RegistryClient registry) {
        return new ImageTreeEngine(config, engine, registry, env, Clock.systemDefaultZone());
    }

    ContainerEngine containerEngine() { return DockerJavaEngine.fromEnvironment(env); }

    /** The Engine API, with builds through BuildKit when {@code buildKit}. */
    ContainerEngine containerEngine(boolean buildKit) {
        return buildKit ? org.imagetree.execute.BuildKitEngine.locating(env, containerEngine()) : containerEngine();
    }

    /** The registry client; with {@code --info}/{@code --debug} each retry is told on standard output. */
    RegistryClient registryClient(EngineConfig config) {
        RegistryClient.Builder b = RegistryClient.builder(config);
        if (verbose()) {
            PrintWriter out = out();
            b.retryLog(line -> {
                synchronized (out) {
                    out.println("  [registry] " + line);
                    out.flush();
                }
            });
        }
        return b.build();
    }

    /** Build progress on standard output (a live status line on a terminal), the full log in imagetree-build.log. */
    ConsoleListener buildListener() { return buildListener(out()); }

    /** As {@link #buildListener()}, the progress on {@code to}. */
    ConsoleListener buildListener(PrintWriter to) {
        boolean terminal = System.console() != null && !"dumb".equals(env.get("TERM"));
        return new ConsoleListener(to, verbose(), terminal, Path.of("imagetree-build.log"));
    }

    /** Images built at the same time: as asked, else the number of cores. */
    /** {@code --jobs}: the number asked for (at least 1), else the number of cores. */
    static int jobs(Integer asked) {
        if (asked != null && asked < 1) throw new org.imagetree.InputError("--jobs: must be at least 1, got " + asked);
        return asked != null ? asked : Runtime.getRuntime().availableProcessors();
    }

    /** Where temporary build contexts and base image work go. */
    static Path tempDir() { return Path.of(System.getProperty("java.io.tmpdir")); }
}
