package org.imagetree.cli;

import org.imagetree.base.BaseImageBuild;
import org.imagetree.base.WeeklyRefresh;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.update.TreeUpdater;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code refresh DIRECTORY...}: Wikimedia's weekly job. Base images (config {@code base_distros}, else the distros
 * of {@code base_images} in the registry), then the weekly changelog bump of every tree (config {@code weekly_author},
 * {@code weekly_exclude}), then build and publish every tree. Committing the changelogs is left to the caller.
 */
@Command(name = "refresh", description = "Weekly refresh: rebuild the base images, bump every changelog to today, build and publish the trees.")
final class RefreshCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;
    @Mixin BaseOptions how;

    @Option(names = "--distro", paramLabel = "DISTRO", description = "Base image to rebuild (repeatable; default: base_distros or the base_images in the registry).")
    List<String> distros;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Images built at the same time (default: number of cores).")
    Integer jobs;

    @Parameters(paramLabel = "DIRECTORY", arity = "1..*", description = "Directories of image definitions (e.g. images istio cert-manager).")
    List<Path> trees;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = root.out();
        EngineConfig config = root.config();
        if (!ExecuteOptions.publishByDefault(config)) {
            root.err().println("refresh publishes: configure a registry with credentials (or a loopback/insecure registry)");
            return 2;
        }
        RegistryClient registry = root.registryClient(config);
        // Ctrl-C or SIGTERM interrupts the run: debuerreotype is stopped, the scratch directories and build contexts go.
        try (InterruptOnShutdown guard = InterruptOnShutdown.open(BuildCommand.SHUTDOWN_GRACE);
             ContainerEngine engine = root.containerEngine()) {
            WeeklyRefresh refresh = new WeeklyRefresh(root.connectedEngine(config, engine, registry));
            List<String> which = distros != null && !distros.isEmpty() ? distros : refresh.distros();
            WeeklyRefresh.Result result;
            try (ConsoleListener listener = root.buildListener()) {
                result = refresh.run(which, how.options(true), trees,
                        new ExecuteOptions(ImageTreeCommand.jobs(jobs), false, true, true, ImageTreeCommand.tempDir()), listener);
            }
            out.println("== Base images ==");
            for (BaseImageBuild b : result.bases()) out.println(b.summary());
            if (!result.basesSucceeded()) {
                out.println("refresh stopped: a base image failed; no changelog was bumped and nothing was built");
            }
            for (Map.Entry<Path, List<TreeUpdater.Bump>> e : result.bumps().entrySet()) {
                out.println("== " + e.getKey() + ": " + e.getValue().size() + " changelog(s) bumped ==");
                BuildReport report = result.reports().get(e.getKey());
                if (report != null) out.print(report.table());
            }
            out.flush();
            return result.succeeded() ? 0 : 1;
        }
    }
}
