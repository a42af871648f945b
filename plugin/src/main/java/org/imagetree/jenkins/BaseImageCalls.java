package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import org.imagetree.ImageTreeEngine;
import org.imagetree.base.BaseImageBuild;
import org.imagetree.base.BaseImages;
import org.imagetree.base.DebuerreotypeBuilder;
import org.imagetree.base.WeeklyRefresh;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.report.BuildReport;
import org.imagetree.update.TreeUpdater;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The base image engine calls ({@code buildBaseImages}, {@code refreshImageTree}), run on the agent like
 * {@link AgentCalls}: {@link BaseImages} (debuerreotype, as root) and {@link WeeklyRefresh} of the engine, with the
 * step's registry and credentials. A failing distro or image is in the result, never an exception; the step decides
 * whether it fails the build.
 */
final class BaseImageCalls {
    private BaseImageCalls() {}

    /**
     * How to build the base images (paths relative to the workspace; null means the engine's default).
     *
     * @param distros        suites to build; null or empty: config {@code base_distros}, else the distros of {@code base_images}
     * @param aptSource      sources file, {@code {distro}} replaced by the distro
     */
    record BaseInputs(ArrayList<String> distros, String mirror, String timestamp, String aptSource, String aptKey,
                      String aptPreferences) implements Serializable {
        private static final long serialVersionUID = 1L;

        BaseImages.Options options(File workspace, boolean publish) throws IOException {
            Path ws = workspace.toPath();
            return new BaseImages.Options(Optional.ofNullable(timestamp), mirror == null ? DebuerreotypeBuilder.DEFAULT_MIRROR : mirror,
                    Optional.ofNullable(aptSource).map(s -> ws.resolve(s).normalize().toString()),
                    Optional.ofNullable(aptKey).map(s -> ws.resolve(s).normalize()),
                    Optional.ofNullable(aptPreferences).map(s -> ws.resolve(s).normalize()), publish, AgentCalls.workDir(workspace));
        }

        List<String> distros(ImageTreeEngine engine) throws AbortException {
            List<String> out = distros == null || distros.isEmpty() ? new WeeklyRefresh(engine).distros() : List.copyOf(distros);
            if (out.isEmpty()) {
                throw new AbortException("no distribution to build: give distros: [...] or set base_distros (or base_images in "
                        + "the registry) in the configuration");
            }
            return out;
        }
    }

    /** {@code buildBaseImages}: one debuerreotype build per distro, published under {@code :YYYYMMDD} and {@code :latest}. */
    static final class BuildBases extends AgentCalls.EngineCall<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final BaseInputs inputs;
        private final Boolean publish;

        BuildBases(EngineSettings settings, BaseInputs inputs, Boolean publish, TaskListener listener) {
            super(settings, listener);
            this.inputs = inputs;
            this.publish = publish;
        }

        @Override
        ArrayList<HashMap<String, Object>> call(File workspace, EngineConfig config, ConsoleBuildListener console)
                throws IOException, InterruptedException {
            boolean push = publish != null ? publish : ExecuteOptions.publishByDefault(config);
            if (push && config.registry().isEmpty()) {
                throw new AbortException("publish needs a registry: give registry: [url:, credentialsId:] or set registry in the configuration");
            }
            // The engine only receives the published images (pulled back); without publishing none is needed.
            try (ContainerEngine engine = push ? DockerJavaEngine.fromEnvironment(settings.env()) : null) {
                ImageTreeEngine it = connectedEngine(config, engine);
                List<String> distros = inputs.distros(it);
                console.println("[imagetree] building base images: " + String.join(", ", distros)
                        + (push ? "" : " (NOT publishing: no credentials and the registry is not local; set publish: true)"));
                List<BaseImageBuild> builds = it.baseImages().build(distros, inputs.options(workspace, push), console::log);
                ArrayList<HashMap<String, Object>> out = new ArrayList<>();
                for (BaseImageBuild b : builds) {
                    console.println("[imagetree] base " + b.summary());
                    out.add(map(b));
                }
                return out;
            }
        }
    }

    /** {@code refreshImageTree}: base images, weekly changelog bump of every tree, then every tree built and published. */
    static final class RefreshTrees extends AgentCalls.EngineCall<RefreshRun> {
        private static final long serialVersionUID = 1L;
        private final BaseInputs inputs;
        private final ArrayList<String> directories;
        private final Integer jobs;

        RefreshTrees(EngineSettings settings, BaseInputs inputs, List<String> directories, Integer jobs, TaskListener listener) {
            super(settings, listener);
            this.inputs = inputs;
            this.directories = new ArrayList<>(directories);
            this.jobs = jobs;
        }

        @Override
        RefreshRun call(File workspace, EngineConfig config, ConsoleBuildListener console) throws IOException, InterruptedException {
            if (!ExecuteOptions.publishByDefault(config)) {
                throw new AbortException("refreshImageTree publishes: give registry: [url:, credentialsId:] (or a loopback/insecure registry)");
            }
            List<Path> trees = new ArrayList<>();
            for (String d : directories) trees.add(workspace.toPath().resolve(d).normalize());
            try (ContainerEngine engine = DockerJavaEngine.fromEnvironment(settings.env())) {
                ImageTreeEngine it = connectedEngine(config, engine);
                WeeklyRefresh.Result result = new WeeklyRefresh(it).run(inputs.distros(it), inputs.options(workspace, true), trees,
                        new ExecuteOptions(AgentCalls.jobs(jobs), false, true, true, AgentCalls.workDir(workspace)), console);
                ArrayList<HashMap<String, Object>> bases = new ArrayList<>();
                for (BaseImageBuild b : result.bases()) bases.add(map(b));
                ArrayList<RefreshRun.Tree> out = new ArrayList<>();
                if (!result.basesSucceeded()) {
                    // The engine stopped before the weekly bump: no tree was touched (trees: []).
                    console.println("[imagetree] refresh stopped: a base image failed; no changelog was bumped and nothing was built");
                    return new RefreshRun(bases, out);
                }
                for (int i = 0; i < trees.size(); i++) {
                    Path tree = trees.get(i);
                    ArrayList<HashMap<String, Object>> bumps = new ArrayList<>();
                    for (TreeUpdater.Bump b : result.bumps().getOrDefault(tree, List.of())) bumps.add(AgentCalls.map(workspace, b));
                    BuildReport report = result.reports().get(tree);
                    console.println("[imagetree] " + directories.get(i) + ":");
                    console.println(report.table());
                    TreeRun run = new TreeRun(AgentCalls.rows(result.trees().get(tree), report), List.of(), report.table());
                    out.add(new RefreshRun.Tree(directories.get(i), bumps, run));
                }
                return new RefreshRun(bases, out);
            }
        }
    }

    /** One distro as a Groovy map: distro, tags, digest, duration (s), error, epoch, snapshot (JDK types only). */
    static HashMap<String, Object> map(BaseImageBuild b) {
        HashMap<String, Object> m = new HashMap<>();
        m.put("distro", b.distro());
        m.put("tags", new ArrayList<>(b.tags()));
        m.put("digest", b.digest());
        m.put("duration", b.duration().toSeconds());
        m.put("error", b.error().orElse(null));
        m.put("epoch", b.epoch());
        m.put("snapshot", b.snapshot());
        return m;
    }

    /** Failed distros of a result list, as {@code distro (first line of the error)}. */
    static List<String> failedDistros(List<? extends Map<String, Object>> bases) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> b : bases) {
            Object error = b.get("error");
            if (error != null) out.add(b.get("distro") + " (" + String.valueOf(error).lines().findFirst().orElse("") + ")");
        }
        return out;
    }
}
