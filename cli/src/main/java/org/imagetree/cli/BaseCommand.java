package org.imagetree.cli;

import org.imagetree.base.BaseImageBuild;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.registry.RegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code base}: the roots of the tree. */
@Command(name = "base", description = "Debian base images built with debuerreotype.", subcommands = BaseCommand.Build.class)
final class BaseCommand {
    @ParentCommand ImageTreeCommand root;

    /** {@code base build DISTRO...}: reproducible images, published as {@code <distro>:YYYYMMDD} and {@code :latest}. */
    @Command(name = "build", description = "Build base images with debuerreotype (as root); the same inputs give the same digest.")
    static final class Build implements Callable<Integer> {
        @ParentCommand BaseCommand base;
        @Mixin BaseOptions how;

        @Option(names = "--publish", description = "Push <registry>/<namespace>/<distro>:YYYYMMDD and :latest, and pull them into the engine.")
        boolean publish;

        @Parameters(paramLabel = "DISTRO", arity = "1..*", description = "Debian suites, e.g. bookworm trixie.")
        List<String> distros;

        @Override
        public Integer call() throws Exception {
            ImageTreeCommand root = base.root;
            PrintWriter out = root.out();
            EngineConfig config = root.config();
            RegistryClient registry = root.registryClient(config);
            // Ctrl-C or SIGTERM interrupts the build: debuerreotype is stopped and the scratch directory removed.
            try (InterruptOnShutdown guard = InterruptOnShutdown.open(BuildCommand.SHUTDOWN_GRACE);
                 ContainerEngine engine = publish ? root.containerEngine() : null) {
                List<BaseImageBuild> builds = root.connectedEngine(config, engine, registry).baseImages()
                        .build(distros, how.options(publish), (distro, line) -> {
                            if (root.verbose()) {
                                out.println(distro + ": " + line);
                                out.flush();
                            }
                        });
                for (BaseImageBuild b : builds) out.println(b.summary());
                out.flush();
                return builds.stream().allMatch(BaseImageBuild::succeeded) ? 0 : 1;
            }
        }
    }
}
