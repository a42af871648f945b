package org.imagetree.pipeline.execute;

import org.imagetree.pipeline.plan.PipelineSettings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@code promote} step as PipelineLib's {@code updateCharts}, on a deployment-charts checkout named in the settings:
 * for each chart, a new branch from the checkout's current one, the version set in the chart's values per environment
 * ({@link ChartValues}, what {@code update_version.py} does), one commit by the configured committer with PipelineLib's
 * message ({@code CHART: pipeline bot promote}, {@code Promote CHART to version V}, {@code Job: … Build: …}), the
 * configured review command run on it (PipelineLib pushes to Gerrit for review), and the checkout back on its branch.
 * Promotions to one checkout are serialized with a lock file in its {@code .git}.
 */
public final class ChartPromoter {
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private final PipelineSettings settings;
    private final Map<String, String> env;
    private final SecureRandom random = new SecureRandom();

    public ChartPromoter(PipelineSettings settings, Map<String, String> env) {
        this.settings = settings;
        this.env = env;
    }

    /** Why promote cannot run here, checked before a pipeline starts; empty when it can. */
    public Optional<String> problem() {
        if (settings.chartsCheckout().isEmpty()) {
            return Optional.of("promote needs a deployment-charts checkout: set pipeline.charts_checkout in the engine config");
        }
        Path c = settings.chartsCheckout().get();
        if (!Files.isDirectory(c.resolve(".git"))) return Optional.of("promote: " + c + " (pipeline.charts_checkout) is not a Git checkout");
        return Optional.empty();
    }

    /** One chart to promote, evaluated. */
    public record Promotion(String chart, List<String> environments, String version) {
        public Promotion {
            environments = List.copyOf(environments);
        }
    }

    /** A commit made: its branch and hash. */
    public record Commit(String chart, String branch, String hash) {}

    public List<Commit> promote(List<Promotion> promotions, String buildMessage, Consumer<String> log) throws IOException, InterruptedException {
        Path checkout = settings.chartsCheckout().orElseThrow(() -> new IOException(problem().orElse("no charts checkout")));
        List<Commit> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(checkout.resolve(".git").resolve("imagetree-promote.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            String branchName = git(checkout, log, "rev-parse", "--abbrev-ref", "HEAD").strip();
            String base = branchName.equals("HEAD") ? git(checkout, log, "rev-parse", "HEAD").strip() : branchName;
            if (!git(checkout, log, "status", "--porcelain").isBlank()) throw new IOException("the charts checkout " + checkout + " has uncommitted changes");
            for (Promotion p : promotions) {
                StringBuilder suffix = new StringBuilder();
                for (int i = 0; i < 8; i++) suffix.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
                String branch = "promote-" + suffix;
                git(checkout, log, "checkout", "-q", "-b", branch);
                try {
                    for (Path f : ChartValues.update(checkout, p.chart(), p.version(), p.environments(), settings.chartEnvironments())) {
                        log.accept("promote: " + checkout.relativize(f) + " main_app.version = " + p.version());
                    }
                    git(checkout, log, "add", "-A");
                    git(checkout, log, "-c", "user.name=" + settings.committerName(), "-c", "user.email=" + settings.committerEmail(),
                            "commit", "-q", "-m", p.chart() + ": pipeline bot promote", "-m", "Promote " + p.chart() + " to version " + p.version(),
                            "-m", buildMessage);
                    String hash = git(checkout, log, "rev-parse", "HEAD").strip();
                    out.add(new Commit(p.chart(), branch, hash));
                    log.accept("promote: committed " + hash + " on branch " + branch + " in " + checkout);
                    if (!settings.reviewCommand().isEmpty()) {
                        Processes.Result r = Processes.run(settings.reviewCommand(), childEnv(), checkout, log, Duration.ofMinutes(5));
                        if (r.exitCode() != 0) throw new IOException("the review command " + settings.reviewCommand() + " failed (exit " + r.exitCode() + ")");
                    } else {
                        log.accept("promote: no review command configured (pipeline.review_command); the commit stays on branch " + branch);
                    }
                } finally {
                    git(checkout, s -> {}, "checkout", "-q", "-f", base);
                }
            }
        }
        return out;
    }

    private Map<String, String> childEnv() {
        Map<String, String> e = new java.util.LinkedHashMap<>(Processes.base(env));
        e.put("GIT_TERMINAL_PROMPT", "0");
        return e;
    }

    private String git(Path dir, Consumer<String> log, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        StringBuilder out = new StringBuilder();
        Processes.Result r = Processes.run(argv, childEnv(), dir, out::append, Duration.ofMinutes(2));
        if (r.exitCode() != 0) throw new IOException("git " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): " + r.output().strip());
        return r.output();
    }
}
