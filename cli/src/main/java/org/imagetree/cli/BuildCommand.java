package org.imagetree.cli;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.plan.PlannedImage;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code build}: docker-pkg's build, in parallel, with an honest exit status. */
@Command(name = "build", description = "Build, verify and publish every image whose name:tag is not in the registry.")
final class BuildCommand implements Callable<Integer> {
    /** How long a SIGTERM waits for builds to stop and temporary contexts to go (the executor waits 30 s for workers). */
    static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(45);

    @ParentCommand ImageTreeCommand root;

    @Option(names = "--select", paramLabel = "GLOB", description = "Only images whose full label matches (fnmatch), e.g. '*python3:*'; matching none is an error.")
    String select;

    @ArgGroup(exclusive = true) TagModeOptions tagMode;

    @Option(names = "--use-cache", description = "Use the build cache (default: build with --no-cache, as docker-pkg).")
    boolean useCache;

    @Option(names = "--no-pull", description = "Do not pull base images and parents; trust local images first.")
    boolean noPull;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Images built at the same time (default: number of cores).")
    Integer jobs;

    @Option(names = "--publish", negatable = true,
            description = "Push version tag and latest (default: when credentials are configured or the registry is on loopback).")
    Boolean publish;

    @Option(names = "--buildkit", negatable = true,
            description = "Build with BuildKit (docker client, DOCKER_BUILDKIT=1) instead of the classic builder (default: the config's 'builder', classic).")
    Boolean buildKit;

    @Option(names = "--rebuild-stale",
            description = "Also rebuild published images whose parent changed since they were built, and everything below them (same tags, changelogs untouched).")
    boolean rebuildStale;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Summary format on standard output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); progress goes to standard error with json.")
    Formats.Text format;

    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.")
    Path directory;

    @Override
    public Integer call() throws Exception {
        int parallel = ImageTreeCommand.jobs(jobs);
        boolean json = format == Formats.Text.json;
        // With --format json standard output carries the JSON document only: progress goes to standard error.
        PrintWriter out = json ? root.err() : root.out();
        EngineConfig config = root.config();
        boolean doPublish = publish != null ? publish : ExecuteOptions.publishByDefault(config);
        RegistryClient registry = root.registryClient(config);
        try (InterruptOnShutdown guard = InterruptOnShutdown.open(SHUTDOWN_GRACE);
             ContainerEngine engine = root.containerEngine(buildKit != null ? buildKit : "buildkit".equals(config.builder()))) {
            ImageTreeEngine it = root.connectedEngine(config, engine, registry);
            out.println("== Step 0: scanning " + directory + " ==");
            java.util.Set<String> told = new java.util.HashSet<>();
            BuildPlan plan = it.loadAndPlanBuild(directory, TagModeOptions.of(tagMode),
                    new PlanOptions(Optional.ofNullable(select), !noPull, doPublish, false, rebuildStale),
                    loaded -> loaded.warnings().forEach(w -> {
                        told.add(w);
                        root.err().println("warning: " + w);
                    }));
            plan.warnings().stream().filter(w -> !told.contains(w)).forEach(w -> root.err().println("warning: " + w));
            boolean anyBlocked = !plan.where(p -> p.action() == org.imagetree.plan.Action.BLOCKED).isEmpty();
            if (plan.work().isEmpty()) {
                out.println(anyBlocked ? "Nothing can be built:" : "Nothing to build.");
            } else {
                out.println("Will build the following images:");
                for (PlannedImage p : plan.work()) out.println("* " + p.label() + " (" + p.reason() + ")");
            }
            plan.where(p -> p.action() == org.imagetree.plan.Action.BLOCKED)
                    .forEach(p -> out.println("* cannot build " + p.label() + ": " + p.reason()));
            if (!doPublish) out.println("NOT publishing images (no credentials and the registry is not local; use --publish)");
            out.println("== Step 1: building images ==");
            BuildReport report;
            try (ConsoleListener listener = root.buildListener(out)) {
                listener.total(plan.work().size());
                report = it.execute(plan, new ExecuteOptions(parallel, useCache, !noPull, doPublish,
                        ImageTreeCommand.tempDir()), listener);
            }
            out.println("== Build done! ==");
            out.flush();
            if (json) root.out().print(report.json());
            else root.out().print(report.table());
            root.out().flush();
            return report.succeeded() ? 0 : 1;
        }
    }
}
