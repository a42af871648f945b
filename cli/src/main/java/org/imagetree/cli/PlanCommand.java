package org.imagetree.cli;

import org.imagetree.ImageTreeEngine;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.PlanReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code plan}: what a build would do, with the build order and the waves, without building. */
@Command(name = "plan", description = "Show each image's state, what a build would do and why, the build order and the waves.")
final class PlanCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--select", paramLabel = "GLOB",
            description = "Only images whose full label matches (fnmatch), e.g. '*python3:*'; matching none is an error.")
    String select;
    @ArgGroup(exclusive = true) TagModeOptions tagMode;
    @Option(names = "--no-pull", description = "Plan as 'build --no-pull': local images count before the registry.") boolean noPull;
    @Option(names = "--publish", negatable = true,
            description = "Plan as 'build --[no-]publish' (default: when credentials are configured or the registry is on loopback).")
    Boolean publish;
    @Option(names = "--check-stale", description = "Read each published image's recorded parent digest and report those whose parent changed.")
    boolean checkStale;
    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Formats.Text format;
    @Parameters(paramLabel = "DIRECTORY", description = "Directory of image definitions.") Path directory;

    @Override
    public Integer call() {
        EngineConfig config = root.config();
        boolean doPublish = publish != null ? publish : ExecuteOptions.publishByDefault(config);
        RegistryClient registry = root.registryClient(config);
        try (ContainerEngine engine = root.containerEngine()) {
            // No ping: the engine connects only if the planner needs it (an unreachable one counts as empty).
            ImageTreeEngine it = root.connectedEngine(config, engine, registry);
            BuildPlan plan = it.loadAndPlan(directory, TagModeOptions.of(tagMode),
                    new PlanOptions(Optional.ofNullable(select), !noPull, doPublish, checkStale, false), loaded -> { });
            // Warnings go to standard error in every format (the JSON also lists them).
            plan.warnings().forEach(w -> root.err().println("warning: " + w));
            root.err().flush();
            root.out().print(format == Formats.Text.json ? PlanReport.json(plan) : PlanReport.text(plan));
            root.out().flush();
            long blocked = plan.where(p -> p.action() == org.imagetree.plan.Action.BLOCKED).size();
            if (blocked > 0) {
                root.err().println("error: " + blocked + " image(s) cannot be built (action 'blocked'; the reason column says why)");
                root.err().flush();
                return 1;
            }
            return 0;
        }
    }
}
