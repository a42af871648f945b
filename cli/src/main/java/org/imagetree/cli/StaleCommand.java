package org.imagetree.cli;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.security.StaleImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code stale REFERENCE… [--pods FILE]}: what to rebuild and redeploy after a production image was rebuilt. */
@Command(name = "stale",
        description = {"List images whose recorded base digest is no longer what the base's tag points at; with --pods, the workloads to redeploy.",
                "Only the registries the config names are contacted; exit 1 when an image could not be read (its row says why)."})
final class StaleCommand implements Callable<Integer> {
    @ParentCommand ImageTreeCommand root;

    @Option(names = "--format", defaultValue = "text", description = "text or json") String format;
    @Option(names = "--pods", paramLabel = "FILE", description = "Pod list as 'kubectl get pods -A -o json' writes it.") Path pods;
    @Option(names = "--security", description = "Also scan the images (those given, and those of the pods on our registries) for Debian security updates; list the workloads running outdated images.")
    boolean security;
    @Parameters(paramLabel = "REFERENCE", arity = "0..*", description = "Images to check (registry/repository:tag).") List<String> references;

    @Override
    public Integer call() {
        if ((references == null || references.isEmpty()) && pods == null) throw new InputError("stale: give image references, --pods FILE, or both");
        if (!format.equalsIgnoreCase("text") && !format.equalsIgnoreCase("json")) throw new InputError("--format: text or json, not '" + format + "'");
        if (pods != null && !java.nio.file.Files.isRegularFile(pods)) throw new InputError(pods, 0, "no such file");
        EngineConfig config = root.configIfPresent().orElseGet(() -> org.imagetree.config.ConfigLoader.fromMap(java.util.Map.of()));
        StaleImages.Report report = root.connectedEngine(config, null, root.registryClient(config))
                .stale(references == null ? List.of() : references, Optional.ofNullable(pods), security);
        root.out().print(format.equalsIgnoreCase("json") ? report.json() : report.text());
        root.out().flush();
        return report.failed() ? 1 : 0;
    }
}
