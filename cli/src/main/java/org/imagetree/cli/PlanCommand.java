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

    @Option(names = "--select", paramLabel = "GLOB") String select;
    @ArgGroup(exclusive = true) TagModeOptions tagMode;
    @Option(names = "--no-pull") boolean noPull;
    @Option(names = "--publish", negatable = true) Boolean publish;
    @Option(names = "--check-stale", description = "Read each published image's recorded parent digest and report those whose parent changed.")
    boolean checkStale;
    @Option(names = "--format", defaultValue = "text", description = "text or json") String format;
    @Parameters(paramLabel = "DIRECTORY") Path directory;

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
            if ("json".equalsIgnoreCase(format)) {
                root.out().print(PlanReport.json(plan));
            } else {
                plan.warnings().forEach(w -> root.err().println("warning: " + w));
                root.out().print(PlanReport.text(plan));
            }
            root.out().flush();
            return 0;
        }
    }
}
