package org.imagetree.cli;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.DockerCli;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.pipeline.ServicePipelines;
import org.imagetree.pipeline.execute.EnvironmentCredentials;
import org.imagetree.pipeline.execute.JenkinsActions;
import org.imagetree.pipeline.execute.PipelineListener;
import org.imagetree.pipeline.plan.GitFacts;
import org.imagetree.pipeline.plan.PipelinePlan;
import org.imagetree.pipeline.plan.PipelineSettings;
import org.imagetree.pipeline.read.PipelineConfigException;
import org.imagetree.pipeline.report.PipelineOutcome;
import org.imagetree.pipeline.report.PipelinePlanReport;
import org.imagetree.pipeline.report.PipelineRunResult;
import org.imagetree.pipeline.report.StageResult;
import org.imagetree.pipeline.report.StageStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@code pipeline}: a service repository's {@code .pipeline/config.yaml} (Wikimedia's PipelineLib), planned or run on
 * this engine. The engine config ({@code -c}) is optional and gives the registry and namespace to publish to, its
 * credentials and registry policy, and the {@code pipeline:} settings (helm, charts checkout, credentials).
 */
@Command(name = "pipeline", description = "Service pipelines of .pipeline/config.yaml (Wikimedia's PipelineLib): plan or run them.",
        subcommands = {PipelineCommand.Plan.class, PipelineCommand.Run.class})
final class PipelineCommand {
    @ParentCommand ImageTreeCommand root;

    /** The values of {@code plan --format}. */
    enum Format { text, json, mermaid }

    Optional<EngineConfig> config() { return root.configIfPresent(); }

    PipelineSettings settings(Optional<EngineConfig> config) {
        return config.map(PipelineSettings::from).orElse(PipelineSettings.none());
    }

    ServicePipelines.Request request(Path dir, List<String> pipelines, Optional<EngineConfig> config, int jobs) {
        Path repo = dir.toAbsolutePath().normalize();
        if (!java.nio.file.Files.isDirectory(repo)) throw new InputError(dir, 0, "no such directory");
        return new ServicePipelines.Request(repo, null, pipelines == null ? List.of() : pipelines, Optional.empty(),
                GitFacts.read(repo, root.env(), ""), settings(config), jobs);
    }

    /** Every problem on its own line, exit 2. */
    int refused(PipelineConfigException e) {
        PrintWriter err = root.err();
        for (String line : e.lines()) err.println("error: " + line);
        err.flush();
        return ErrorHandler.INPUT_ERROR;
    }

    @Command(name = "plan", description = "Show what a run would do: per pipeline the stages, what each waits for and its steps, evaluated as far as known.")
    static final class Plan implements Callable<Integer> {
        @ParentCommand PipelineCommand pipeline;
        @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
                description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Format format;
        @Option(names = "--pipeline", paramLabel = "NAME", description = "A pipeline to plan (repeatable; default: all).") List<String> pipelines;
        @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
                description = "Repository root holding .pipeline/config.yaml (default: the current directory).")
        Path dir;

        @Override
        public Integer call() {
            ImageTreeCommand root = pipeline.root;
            PipelinePlan plan;
            try {
                plan = ServicePipelines.plan(pipeline.request(dir, pipelines, pipeline.config(), 1));
            } catch (PipelineConfigException e) {
                return pipeline.refused(e);
            }
            if (format != Format.text) {
                plan.warnings().forEach(w -> root.err().println("warning: " + w.format(plan.file())));
                plan.stepProblems().forEach(w -> root.err().println("warning: " + w.format(plan.file()) + " (a run refuses to start)"));
            }
            root.out().print(switch (format) {
                case json -> PipelinePlanReport.json(plan);
                case mermaid -> PipelinePlanReport.mermaid(plan);
                case text -> PipelinePlanReport.text(plan);
            });
            root.out().flush();
            root.err().flush();
            return 0;
        }
    }

    @Command(name = "run", description = "Run the pipelines: build, run, copy, publish, promote and deploy as each stage says; independent stages in parallel.")
    static final class Run implements Callable<Integer> {
        @ParentCommand PipelineCommand pipeline;
        @Option(names = "--pipeline", paramLabel = "NAME", description = "A pipeline to run (repeatable, in that order; default: all).") List<String> pipelines;
        @Option(names = "--jobs", paramLabel = "N", description = "Stages run at the same time (default: the number of cores).") Integer jobs;
        @Option(names = "--credential", paramLabel = "ID=VARIABLE",
                description = "A run.credentials id and the environment variable holding its secret (repeatable; masked in the output).")
        List<String> credentials;
        @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
                description = "Repository root holding .pipeline/config.yaml (default: the current directory).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ImageTreeCommand root = pipeline.root;
            // The docker client is looked for (a `docker version` or more) while the config and the checkout's git
            // facts are read.
            FutureTask<DockerCli> locate = new FutureTask<>(() -> DockerCli.locateWithBuildKit(root.env()));
            Thread locating = new Thread(locate, "locate-docker");
            locating.setDaemon(true);
            locating.start();
            Optional<EngineConfig> config = pipeline.config();
            ServicePipelines.Request request = pipeline.request(dir, pipelines, config, ImageTreeCommand.jobs(jobs));
            Map<String, String> credentialVariables = new LinkedHashMap<>(request.settings().credentials());
            if (credentials != null) {
                for (String c : credentials) {
                    int eq = c.indexOf('=');
                    if (eq <= 0 || eq == c.length() - 1) throw new InputError("--credential needs ID=VARIABLE, got '" + c + "'");
                    credentialVariables.put(c.substring(0, eq), c.substring(eq + 1));
                }
            }
            DockerCli docker;
            try {
                docker = locate.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IllegalStateException missing) throw new InputError(missing.getMessage());
                if (e.getCause() instanceof RuntimeException other) throw other;
                throw e;
            }
            PrintWriter out = root.out();
            PipelineListener listener = new PipelineListener() {
                @Override public void pipelineStarted(String p, String timestamp, List<List<String>> frames) {
                    print("== pipeline " + p + " (timestamp " + timestamp + ") ==");
                }

                @Override public void stageStarted(String p, String stage) { print("* stage " + p + "/" + stage); }

                @Override public void log(String p, String stage, String line) { print("  [" + p + "/" + stage + "] " + line); }

                @Override public void stageFinished(StageResult r) {
                    print("* stage " + r.pipeline() + "/" + r.stage() + " " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                            + (r.reason().isEmpty() ? "" : ": " + r.reason()));
                }

                private void print(String line) {
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                }
            };
            PipelineRunResult result;
            try (DockerJavaEngine engine = DockerJavaEngine.fromEnvironment(root.env())) {
                ServicePipelines.Environment environment = new ServicePipelines.Environment(
                        ServicePipelines.dockerBackend(config, docker, engine), new EnvironmentCredentials(credentialVariables, root.env()),
                        JenkinsActions.COMMAND_LINE, root.env(), Clock.systemUTC());
                try {
                    result = ServicePipelines.run(request, environment, listener);
                } catch (PipelineConfigException e) {
                    return pipeline.refused(e);
                }
            }
            summary(out, result);
            out.flush();
            return result.succeeded() ? 0 : 1;
        }

        private static void summary(PrintWriter out, PipelineRunResult result) {
            out.println();
            for (PipelineOutcome p : result.pipelines()) {
                out.println("pipeline " + p.name() + ": " + (p.succeeded() ? "succeeded" : "failed"));
                int width = p.stages().stream().mapToInt(s -> s.stage().length()).max().orElse(5);
                for (StageResult s : p.stages()) {
                    StringBuilder b = new StringBuilder("  ").append(String.format("%-" + width + "s", s.stage())).append("  ")
                            .append(String.format("%-9s", s.status().name().toLowerCase(java.util.Locale.ROOT)));
                    if (s.status() != StageStatus.NOT_RUN && s.status() != StageStatus.SKIPPED) b.append(String.format(" %6.1fs", s.duration().toMillis() / 1000.0));
                    if (!s.reason().isEmpty()) b.append("  ").append(s.reason());
                    out.println(b);
                    for (StageResult.PublishedImage pi : s.published()) out.println("      published " + pi.reference() + "@" + pi.digest());
                }
                p.teardownProblems().forEach(t -> out.println("  teardown: " + t));
            }
            for (String n : result.notRun()) out.println("pipeline " + n + ": not run (a pipeline before it failed)");
        }
    }
}
