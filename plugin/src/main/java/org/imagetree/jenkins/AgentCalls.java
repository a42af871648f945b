package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;
import org.imagetree.ImageTreeEngine;
import org.imagetree.ImageTreeEngine.TagMode;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerJavaEngine;
import org.imagetree.execute.ExecuteOptions;
import org.imagetree.lint.LintProblem;
import org.imagetree.lint.TreeLinter;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTree;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.model.ImageTreeLoader.LoadedTree;
import org.imagetree.model.TreeImage;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.plan.PlannedImage;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.report.BuildReport;
import org.imagetree.report.ImageResult;
import org.imagetree.report.PlanReport;
import org.imagetree.update.TreeUpdater;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine calls, each a {@link MasterToSlaveFileCallable} run by {@code FilePath.act} on the agent that holds
 * the workspace and the Docker Engine. They carry only serializable inputs ({@link EngineSettings}, options, the
 * remotable {@link TaskListener}) and build the engine on the agent; nothing heavy runs on the controller.
 * An interrupt (the step's abort) reaches the engine's executor, which cancels its builds.
 */
final class AgentCalls {
    private AgentCalls() {}

    /**
     * Options of a tree build or plan (all serializable; null means "the engine's default").
     *
     * @param tagSuffix     the tag suffix a plan pinned (null: from nightly/snapshot and the agent's clock)
     * @param images        build only these images (a plan's partition; null: every image the plan works on)
     * @param parentDigests {@code label@digest} of published parents a plan pinned: checked before anything is built
     */
    record TreeOptions(String select, boolean nightly, boolean snapshot, boolean useCache, boolean pull, Boolean publish,
                       Integer jobs, String tagSuffix, ArrayList<String> images, ArrayList<String> parentDigests) implements Serializable {
        private static final long serialVersionUID = 1L;

        TreeOptions(String select, boolean nightly, boolean snapshot, boolean useCache, boolean pull, Boolean publish, Integer jobs) {
            this(select, nightly, snapshot, useCache, pull, publish, jobs, null, null, null);
        }

        TagMode tagMode() {
            return snapshot ? TagMode.SNAPSHOT : nightly ? TagMode.NIGHTLY : TagMode.RELEASE;
        }

        /** The run's tag suffix: the pinned one, else from the tag mode now. */
        String suffix(Clock clock) {
            return tagSuffix != null ? tagSuffix : tagMode().suffix(clock);
        }

        /** These options with the tag suffix fixed now (once per run). */
        TreeOptions pinned(Clock clock) {
            return new TreeOptions(select, nightly, snapshot, useCache, pull, publish, jobs, suffix(clock), images, parentDigests);
        }

        boolean publish(EngineConfig config) {
            return publish != null ? publish : ExecuteOptions.publishByDefault(config);
        }
    }

    /** Shared shape: settings, masking, engine construction, user errors as {@link AbortException}. */
    abstract static class EngineCall<T> extends MasterToSlaveFileCallable<T> {
        private static final long serialVersionUID = 1L;
        final EngineSettings settings;
        final TaskListener listener;

        EngineCall(EngineSettings settings, TaskListener listener) {
            this.settings = settings;
            this.listener = listener;
        }

        @Override
        public final T invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
            SecretMasker masker = new SecretMasker(settings.secrets());
            ConsoleBuildListener console = new ConsoleBuildListener(listener.getLogger(), masker);
            masker.shortSecretWarning().ifPresent(console::println);
            try {
                EngineConfig config = settings.config(workspace);
                config.warnings().forEach(w -> console.println("[imagetree] warning: " + w));
                return call(workspace, config, console);
            } catch (InputError e) {
                throw new AbortException(masker.mask(e.getMessage()));
            } catch (IOException | RuntimeException e) {
                // The engine masks secrets of 8 characters or more in its messages; a shorter one is masked here, and
                // the exception replaced (its causes could repeat the secret) before it travels to the controller.
                String message = e.getMessage();
                if (message == null || masker.mask(message).equals(message)) throw e;
                throw e instanceof AbortException ? new AbortException(masker.mask(message)) : new IOException(masker.mask(message));
            }
        }

        abstract T call(File workspace, EngineConfig config, ConsoleBuildListener console) throws IOException, InterruptedException;

        ImageTreeEngine offlineEngine(EngineConfig config) {
            return new ImageTreeEngine(config, null, null, settings.env(), Clock.systemDefaultZone());
        }

        /** The engine with the Docker Engine (null when the call needs none) and the configured registry. */
        ImageTreeEngine connectedEngine(EngineConfig config, ContainerEngine engine) {
            return new ImageTreeEngine(config, engine, RegistryClient.builder(config).build(), settings.env(), Clock.systemDefaultZone());
        }

        /** As {@link #connectedEngine(EngineConfig, ContainerEngine)}, telling every registry retry on the build log. */
        ImageTreeEngine connectedEngine(EngineConfig config, ContainerEngine engine, ConsoleBuildListener console) {
            RegistryClient registry = RegistryClient.builder(config)
                    .retryLog(line -> console.println("[imagetree] registry: " + line)).build();
            return new ImageTreeEngine(config, engine, registry, settings.env(), Clock.systemDefaultZone());
        }
    }

    /** A call over one tree with {@link TreeOptions}. */
    abstract static class TreeCall extends EngineCall<TreeRun> {
        private static final long serialVersionUID = 1L;
        final TreeOptions options;

        TreeCall(EngineSettings settings, TreeOptions options, TaskListener listener) {
            super(settings, listener);
            this.options = options;
        }
    }

    /** {@code buildImageTree}: scan, plan, build, verify, publish. */
    static final class BuildTree extends TreeCall {
        private static final long serialVersionUID = 1L;

        BuildTree(EngineSettings settings, TreeOptions options, TaskListener listener) {
            super(settings, options, listener);
        }

        @Override
        TreeRun call(File workspace, EngineConfig config, ConsoleBuildListener console) throws IOException, InterruptedException {
            boolean publish = options.publish(config);
            Path dir = settings.imageDirectory(workspace);
            try (ContainerEngine engine = DockerJavaEngine.fromEnvironment(settings.env())) {
                ImageTreeEngine it = connectedEngine(config, engine, console);
                console.println("[imagetree] scanning " + dir);
                TreeOptions options = this.options.pinned(Clock.systemDefaultZone());
                BuildPlan plan = plan(it, dir, options, publish, console);
                if (options.images() != null) plan = onlyImages(plan, options.images(), settings.directory());
                checkPinnedParents(config, options.parentDigests(), console);
                if (plan.work().isEmpty()) console.println("[imagetree] nothing to build");
                for (PlannedImage p : plan.work()) console.println("[imagetree] will build " + p.label() + " (" + p.reason() + ")");
                if (!publish) console.println("[imagetree] NOT publishing (no credentials and the registry is not local; set publish: true)");
                BuildReport report = it.execute(plan, new ExecuteOptions(jobs(options.jobs()), options.useCache(), options.pull(), publish,
                        workDir(workspace)), console);
                console.println(report.table());
                return new TreeRun(rows(plan.tree(), report), plan.waves(), report.table(), options.tagSuffix());
            }
        }
    }

    /** {@code imageTreePlan}: what a build would do, with its waves, building nothing. */
    static final class PlanTree extends TreeCall {
        private static final long serialVersionUID = 1L;

        PlanTree(EngineSettings settings, TreeOptions options, TaskListener listener) {
            super(settings, options, listener);
        }

        @Override
        TreeRun call(File workspace, EngineConfig config, ConsoleBuildListener console) {
            // The suffix is fixed here, once, and handed to the builds (never recomputed from each agent's clock).
            TreeOptions pinned = options.pinned(Clock.systemDefaultZone());
            String suffix = pinned.tagSuffix();
            try (ContainerEngine engine = DockerJavaEngine.fromEnvironment(settings.env())) {
                BuildPlan plan = plan(connectedEngine(config, engine), settings.imageDirectory(workspace), pinned,
                        options.publish(config), console);
                String text = PlanReport.text(plan);
                console.println(text);
                List<ImageRow> rows = new ArrayList<>();
                for (PlannedImage p : plan.images().values()) {
                    TreeImage i = p.image();
                    rows.add(new ImageRow(i.name(), i.tag(), i.label(), p.state().label(), p.action().label(), p.digest(), 0,
                            p.reason(), plan.tree().level(i.name()), i.parents()));
                }
                return new TreeRun(rows, plan.waves(), text, suffix);
            }
        }
    }

    /** {@code updateImageTree}: the changelog cascade. */
    static final class UpdateTree extends EngineCall<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String reason;
        private final String version;

        UpdateTree(EngineSettings settings, String name, String reason, String version, TaskListener listener) {
            super(settings, listener);
            this.name = name;
            this.reason = reason;
            this.version = version;
        }

        @Override
        ArrayList<HashMap<String, Object>> call(File workspace, EngineConfig config, ConsoleBuildListener console) {
            List<TreeUpdater.Bump> bumps = offlineEngine(config).update(settings.imageDirectory(workspace), name, reason,
                    Optional.ofNullable(version));
            ArrayList<HashMap<String, Object>> out = new ArrayList<>();
            for (TreeUpdater.Bump b : bumps) {
                console.println("[imagetree] " + b.name() + ": " + b.oldVersion() + " -> " + b.newVersion());
                out.add(map(workspace, b));
            }
            return out;
        }
    }

    /** {@code lintImageTree}: every problem, one line each, file and line. */
    static final class LintTree extends EngineCall<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final String against;

        LintTree(EngineSettings settings, String against, TaskListener listener) {
            super(settings, listener);
            this.against = against;
        }

        @Override
        ArrayList<HashMap<String, Object>> call(File workspace, EngineConfig config, ConsoleBuildListener console) {
            List<LintProblem> problems = new TreeLinter(config, settings.env()).lint(settings.imageDirectory(workspace),
                    Optional.ofNullable(against));
            ArrayList<HashMap<String, Object>> out = new ArrayList<>();
            for (LintProblem p : problems) {
                String file = relative(workspace, Path.of(p.file()));
                console.println(new LintProblem(file, p.line(), p.message()).toString());
                HashMap<String, Object> m = new HashMap<>();
                m.put("file", file);
                m.put("line", p.line());
                m.put("message", p.message());
                out.add(m);
            }
            if (problems.isEmpty()) console.println("[imagetree] lint: no problems");
            return out;
        }
    }

    /** Scan the tree (warnings to the console) and plan it, with the run's tag suffix. */
    static BuildPlan plan(ImageTreeEngine it, Path dir, TreeOptions options, boolean publish, ConsoleBuildListener console) {
        LoadedTree loaded = new ImageTreeLoader(it.config(), Math.max(2, Runtime.getRuntime().availableProcessors()))
                .load(dir, options.suffix(Clock.systemDefaultZone()));
        loaded.warnings().forEach(w -> console.println("[imagetree] warning: " + w));
        return it.plan(loaded, new PlanOptions(Optional.ofNullable(options.select()), options.pull(), publish));
    }

    /**
     * The plan restricted to some images (a partition): the others are left alone, as if not selected. A partition
     * holds whole subtrees, so an image's parents that need work are in the same list.
     *
     * @throws AbortException naming an image the tree does not have
     */
    static BuildPlan onlyImages(BuildPlan plan, List<String> names, String directory) throws AbortException {
        for (String n : names) {
            if (plan.get(n) == null) throw new AbortException("images: no image named '" + n + "' in " + directory);
        }
        java.util.Set<String> wanted = new java.util.HashSet<>(names);
        Map<String, PlannedImage> images = new java.util.LinkedHashMap<>();
        for (PlannedImage p : plan.images().values()) {
            images.put(p.name(), wanted.contains(p.name()) || !p.action().isWork() ? p
                    : new PlannedImage(p.image(), p.state(), Action.NONE, "in another partition", p.digest()));
        }
        List<List<String>> waves = new ArrayList<>();
        for (List<String> w : plan.waves()) {
            List<String> kept = w.stream().filter(wanted::contains).toList();
            if (!kept.isEmpty()) waves.add(kept);
        }
        return new BuildPlan(plan.tree(), images, waves, plan.warnings());
    }

    /**
     * The parents a plan pinned must still be what the registry serves: a parent re-pushed since the plan would give
     * the partitions of one run different bases. Checked before anything is built.
     *
     * @throws AbortException naming the parent, the pinned and the current digest
     */
    static void checkPinnedParents(EngineConfig config, List<String> pinned, ConsoleBuildListener console) throws AbortException {
        if (pinned == null || pinned.isEmpty()) return;
        RegistryClient registry = RegistryClient.builder(config).build();
        for (String entry : pinned) {
            int at = entry.lastIndexOf('@');
            if (at <= 0) throw new AbortException("parentDigests: '" + entry + "' is not label@digest");
            String label = entry.substring(0, at);
            String digest = entry.substring(at + 1);
            String now;
            try {
                now = registry.headManifest(ImageReference.parse(label)).map(ManifestDescriptor::digest).orElse("(missing)");
            } catch (RuntimeException e) {
                throw new AbortException("parentDigests: cannot check " + label + ": " + e.getMessage());
            }
            if (!digest.equals(now)) {
                throw new AbortException("parent " + label + " changed since the plan: planned " + digest + ", registry now " + now);
            }
        }
        console.println("[imagetree] " + pinned.size() + " pinned parent(s) unchanged since the plan");
    }

    /** Images built at the same time: as asked, else the agent's number of cores. */
    static int jobs(Integer asked) {
        return asked != null && asked > 0 ? asked : Runtime.getRuntime().availableProcessors();
    }

    /** One changelog bump as a Groovy map: name, oldVersion, newVersion, changelog (relative to the workspace). */
    static HashMap<String, Object> map(File workspace, TreeUpdater.Bump b) {
        HashMap<String, Object> m = new HashMap<>();
        m.put("name", b.name());
        m.put("oldVersion", b.oldVersion());
        m.put("newVersion", b.newVersion());
        m.put("changelog", relative(workspace, b.changelog()));
        return m;
    }

    static List<ImageRow> rows(ImageTree tree, BuildReport report) {
        Map<String, ImageResult> byName = new HashMap<>();
        for (ImageResult r : report.images()) byName.put(r.name(), r);
        List<ImageRow> rows = new ArrayList<>();
        for (String name : tree.order()) {
            ImageResult r = byName.get(name);
            if (r == null) continue;
            TreeImage i = tree.get(name);
            rows.add(new ImageRow(r.name(), r.tag(), r.label(), r.outcome().label(), null, r.digest(),
                    r.duration() == null ? 0 : r.duration().toSeconds(), r.reason(), tree.level(name), i.parents()));
        }
        return rows;
    }

    /** Jenkins' convention for a workspace's temporary files: a sibling {@code <workspace>@tmp}. */
    static Path workDir(File workspace) throws IOException {
        Path tmp = workspace.toPath().toAbsolutePath().resolveSibling(workspace.getName() + "@tmp");
        Files.createDirectories(tmp);
        return tmp;
    }

    static String relative(File workspace, Path file) {
        Path ws = workspace.toPath().toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(ws) ? ws.relativize(f).toString() : f.toString();
    }
}
