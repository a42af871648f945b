package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.plan.HelmCommands;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.plan.StepValues;
import org.imagetree.pipeline.read.PipelineYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@code deploy} step as PipelineRunner's {@code deployWithChart}: the values file written (registry, pull policy,
 * image, version, then the overrides merged in), {@code helm install} of the chart under a random release name with
 * {@code --wait}, the release uninstalled again when the install fails, {@code helm test} when asked; releases are
 * uninstalled at the pipeline's end. helm runs with {@code KUBECONFIG} from the settings and nothing else of the
 * caller's environment but {@code PATH} and {@code HOME}.
 */
public final class HelmDeployer {
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private final PipelineSettings settings;
    private final Map<String, String> env;
    private final Path workDirectory;
    private final SecureRandom random = new SecureRandom();

    public HelmDeployer(PipelineSettings settings, Map<String, String> env, Path workDirectory) {
        this.settings = settings;
        this.env = env;
        this.workDirectory = workDirectory;
    }

    /** Why deploy cannot run here, checked before a pipeline starts; empty when it can. */
    public Optional<String> problem() {
        if (settings.helm().isEmpty()) return Optional.of("deploy needs helm: set pipeline.helm (the helm executable) in the engine config");
        if (settings.kubeConfig().isEmpty()) return Optional.of("deploy needs a cluster: set pipeline.kube_config (KUBECONFIG for helm) in the engine config");
        Path helm = Path.of(settings.helm().get());
        Optional<Path> found = helm.isAbsolute() ? Optional.of(helm).filter(Files::isExecutable) : onPath(settings.helm().get());
        if (found.isEmpty()) return Optional.of("deploy needs helm: '" + settings.helm().get() + "' (pipeline.helm) is not an executable");
        if (!Files.isReadable(Path.of(settings.kubeConfig().get()))) {
            return Optional.of("deploy needs a cluster: the kube config '" + settings.kubeConfig().get() + "' (pipeline.kube_config) cannot be read");
        }
        return Optional.empty();
    }

    private Optional<Path> onPath(String name) {
        for (String dir : Processes.base(env).get("PATH").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Installs the chart; returns the release's name. */
    public String deploy(StepValues.DeployValues v, Consumer<String> log) throws IOException, InterruptedException {
        StringBuilder release = new StringBuilder();
        for (int i = 0; i < 8; i++) release.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
        Path values = Files.createTempFile(workDirectory, "values-", ".yaml");
        try {
            Files.writeString(values, PipelineYaml.dump(v.values()), StandardCharsets.UTF_8);
            List<String> install = HelmCommands.install(settings, release.toString(), v.chart(), v.chartVersion(), v.timeout(), values.toString());
            log.accept("$ " + HelmCommands.display(settings, install));
            Processes.Result r = helm(install, log, Duration.ofSeconds(timeoutSeconds(v.timeout()) + 60));
            if (r.exitCode() != 0) {
                purge(List.of(release.toString()), log);
                throw new IOException("helm install failed (exit " + r.exitCode() + ")");
            }
            return release.toString();
        } finally {
            Files.deleteIfExists(values);
        }
    }

    public void test(String release, Consumer<String> log) throws IOException, InterruptedException {
        List<String> cmd = HelmCommands.test(settings, release);
        log.accept("$ " + HelmCommands.display(settings, cmd));
        Processes.Result r = helm(cmd, log, Duration.ofMinutes(20));
        if (r.exitCode() != 0) throw new IOException("helm test of release " + release + " failed (exit " + r.exitCode() + ")");
    }

    /** Uninstalls releases; failures are reported on {@code log}, never thrown (a teardown goes on). */
    public boolean purge(List<String> releases, Consumer<String> log) throws InterruptedException {
        if (releases.isEmpty()) return true;
        List<String> cmd = HelmCommands.uninstall(settings, releases);
        log.accept("$ " + HelmCommands.display(settings, cmd));
        try {
            return helm(cmd, log, Duration.ofMinutes(10)).exitCode() == 0;
        } catch (IOException e) {
            log.accept("helm uninstall failed: " + e.getMessage());
            return false;
        }
    }

    private long timeoutSeconds(Object timeout) {
        if (timeout instanceof Number n) return n.longValue();
        if (timeout != null) {
            try {
                return Long.parseLong(String.valueOf(timeout));
            } catch (NumberFormatException ignored) {
                // helm says so
            }
        }
        return settings.helmTimeout();
    }

    private Processes.Result helm(List<String> argv, Consumer<String> log, Duration limit) throws IOException, InterruptedException {
        Map<String, String> childEnv = new java.util.LinkedHashMap<>(Processes.base(env));
        childEnv.putAll(HelmCommands.environment(settings));
        return Processes.run(argv, childEnv, workDirectory, log, limit);
    }
}
