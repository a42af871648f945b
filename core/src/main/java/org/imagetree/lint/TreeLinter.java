package org.imagetree.lint;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageDefinition;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.model.Labels;
import org.imagetree.policy.PolicyChecker;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.Violation;
import org.imagetree.read.ChangelogEntry;
import org.imagetree.read.ChangelogReader;
import org.imagetree.read.DebianVersion;
import org.imagetree.read.ImageScanner;
import org.imagetree.template.RenderedTemplate;
import org.imagetree.template.TemplateRenderer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The CI gate for a proposed change to an image repository: every definition parses, every template renders,
 * every FROM obeys the registry policy, the dependencies have no cycle, and every image whose directory changed
 * against a git revision has a newer changelog version (else the change would never be built, since the tag
 * would already be published).
 *
 * <p>Goes on past each problem so that one run lists them all. Runs no container and reaches no registry.
 * Stateless apart from its configuration; safe to share between threads.
 */
public final class TreeLinter {
    private static final long GIT_TIMEOUT_SECONDS = 120;
    private final EngineConfig config;
    private final Map<String, String> env;

    /** @param env environment for {@code git} (PATH, HOME) and the templates' environment lookups */
    public TreeLinter(EngineConfig config, Map<String, String> env) {
        this.config = config;
        this.env = Map.copyOf(env);
    }

    /**
     * The errors of {@link #check}: what would make a build fail or skip an image.
     *
     * @param dir     the directory of image definitions
     * @param against a git revision to compare changelog versions with; empty to skip that check
     * @return every error, in directory order; empty when the tree is fine
     * @throws InputError when {@code dir} is not a directory or {@code against} is not a revision of its repository
     */
    public List<LintProblem> lint(Path dir, Optional<String> against) {
        return check(dir, against).stream().filter(p -> !p.isWarning()).toList();
    }

    /**
     * Errors and warnings. Errors: everything {@link #lint} says, including a {@code control} dependency that is
     * neither an image of the tree nor a base image (docker-pkg stops with "Image X (dependency of Y) not found";
     * a build skips the image unless the registry happens to have it) and a directory with a
     * {@code Dockerfile.template} but no {@code changelog} (no build ever sees it). Warnings: in-tree images a
     * template uses that {@code control} does not declare (builds order them anyway; docker-pkg does not) and a
     * {@code changelog} without a template.
     *
     * @see #lint
     */
    public List<LintProblem> check(Path dir, Optional<String> against) {
        Path root = rootOf(dir);
        Set<LintProblem> problems = new LinkedHashSet<>();
        List<Path> dirs = ImageScanner.imageDirectories(root, new ArrayList<>());
        List<LintProblem> halfImages = halfImages(root);
        org.imagetree.read.ContextBoundary boundary = org.imagetree.read.ContextBoundary.of(root);
        Set<Path> escaping = new java.util.HashSet<>();
        for (Path d : dirs) {
            for (InputError e : boundary.imageProblems(d)) {
                problems.add(of(e, d));
                escaping.add(d);
            }
        }
        int escapingProblems = problems.size();

        Map<String, ImageDefinition> byName = new HashMap<>();
        List<ImageDefinition> definitions = new ArrayList<>();
        Set<Path> unreadable = new java.util.HashSet<>();
        for (Path d : dirs) {
            if (!boundary.definitionProblems(d).isEmpty()) { // its definition files are not read
                unreadable.add(d);
                continue;
            }
            try {
                ImageDefinition def = ImageScanner.read(root, d);
                ImageDefinition earlier = byName.putIfAbsent(def.name(), def);
                if (earlier != null) {
                    problems.add(new LintProblem(def.changelog().toString(), ChangelogReader.newest(def.changelog()).line(),
                            "duplicate image name '" + def.name() + "': also defined in " + earlier.directory()));
                } else {
                    definitions.add(def);
                }
            } catch (InputError e) {
                problems.add(of(e, d.resolve(ImageDefinition.CHANGELOG)));
            }
        }
        boolean definitionsParse = problems.size() == escapingProblems;
        problems.addAll(halfImages);
        problems.addAll(missingDependencies(definitions, byName));
        checkPolicy(definitions, v -> problems.add(new LintProblem(v.file(), v.line(), "image '" + v.reference() + "' " + v.reason())),
                e -> problems.add(of(e.error(), e.template())));

        if (definitionsParse && escaping.isEmpty()) {
            // The loader resolves parents from control files and templates alike; it fails on a cycle.
            try {
                org.imagetree.model.ImageTree tree = new ImageTreeLoader(config, 2).load(root, "").tree();
                for (String n : tree.order()) {
                    org.imagetree.model.TreeImage i = tree.get(n);
                    Path template = i.definition().template();
                    for (String w : i.warnings()) {
                        problems.add(new LintProblem(template.toString(), lineOfUse(template, w), w, LintProblem.Severity.WARNING));
                    }
                }
            } catch (InputError e) {
                LintProblem p = of(e, root);
                if (problems.stream().noneMatch(q -> q.file().equals(p.file()) && q.message().equals(p.message()))) problems.add(p);
            }
        }

        against.filter(r -> !r.isBlank()).ifPresent(rev -> problems.addAll(unbumped(root, dirs.stream().filter(d -> !unreadable.contains(d)).toList(), rev)));
        return List.copyOf(problems);
    }

    /** What {@code policy check DIR} reports: registry policy violations, and every link leaving the tree. */
    public record PolicyFindings(List<Violation> violations, List<InputError> escapes) {
        public PolicyFindings {
            violations = List.copyOf(violations);
            escapes = List.copyOf(escapes);
        }
    }

    /**
     * The registry policy of a tree (the config's {@code base_images} and every image a template may pull) and every
     * symlink leaving it, all of them in one run: an image whose build context holds such a link is still checked;
     * only an image whose definition files themselves leave the tree is not read.
     *
     * @throws InputError for a definition that does not parse or a template that does not render (bad input)
     */
    public PolicyFindings registryPolicy(Path dir) {
        Path root = rootOf(dir);
        List<Path> dirs = ImageScanner.imageDirectories(root, new ArrayList<>());
        org.imagetree.read.ContextBoundary boundary = org.imagetree.read.ContextBoundary.of(root);
        List<InputError> escapes = new ArrayList<>();
        List<ImageDefinition> definitions = new ArrayList<>();
        for (Path d : dirs) {
            escapes.addAll(boundary.imageProblems(d));
            if (boundary.definitionProblems(d).isEmpty()) definitions.add(ImageScanner.read(root, d));
        }
        List<Violation> violations = new ArrayList<>();
        checkPolicy(definitions, violations::add, e -> { throw e.error(); });
        return new PolicyFindings(violations, escapes);
    }

    private record RenderFailure(Path template, InputError error) {}

    /**
     * The registry policy violations of the config's {@code base_images} and of every template of {@code definitions},
     * rendered with the whole tree known, in that order to {@code found}; a template that cannot be read or rendered
     * goes to {@code failed}.
     */
    private void checkPolicy(List<ImageDefinition> definitions, java.util.function.Consumer<Violation> found,
                             java.util.function.Consumer<RenderFailure> failed) {
        List<String> known = new ArrayList<>(config.baseImages());
        for (ImageDefinition def : definitions) {
            known.add(Labels.label(config.registry(), config.namespace(), def.name(), def.version()));
        }
        TemplateRenderer renderer = new TemplateRenderer(config, known, w -> { });
        PolicyChecker policy = config.allowedRegistries().isEmpty() ? null : new PolicyChecker(RegistryPolicy.forBuild(config));
        if (policy != null) policy.checkReferences("config: base_images", config.baseImages()).forEach(found);
        for (ImageDefinition def : definitions) {
            try {
                String source = Files.readString(def.template(), StandardCharsets.UTF_8);
                RenderedTemplate rendered = renderer.render(def.template(), source);
                if (policy != null) policy.checkTemplate(def.template().toString(), source, rendered.dockerfile()).forEach(found);
            } catch (InputError e) {
                failed.accept(new RenderFailure(def.template(), e));
            } catch (IOException e) {
                failed.accept(new RenderFailure(def.template(), new InputError(def.template(), 0, "cannot read: " + e.getMessage())));
            }
        }
    }

    /** The tree directory as given, normalised: messages name files the way the user named the tree (as build does). */
    private static Path rootOf(Path dir) {
        Path normal = dir.normalize();
        return normal.toString().isEmpty() ? Path.of(".") : normal;
    }

    /** Directories that look like an image but are not one: every build passes them over without a word. */
    private static List<LintProblem> halfImages(Path root) {
        List<LintProblem> out = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isDirectory).sorted().forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        for (Path d : dirs) {
            boolean template = Files.isRegularFile(d.resolve(ImageDefinition.TEMPLATE));
            boolean changelog = Files.isRegularFile(d.resolve(ImageDefinition.CHANGELOG));
            if (template && !changelog) {
                out.add(new LintProblem(d.resolve(ImageDefinition.TEMPLATE).toString(), 0,
                        "template without a changelog: builds skip this directory (add a changelog to make it an image)"));
            } else if (changelog && !template) {
                out.add(new LintProblem(d.resolve(ImageDefinition.CHANGELOG).toString(), 0,
                        "changelog without a Dockerfile.template: not an image, builds skip this directory",
                        LintProblem.Severity.WARNING));
            }
        }
        return out;
    }

    /** {@code control} dependencies that are neither images of the tree nor base images of the config. */
    private List<LintProblem> missingDependencies(List<ImageDefinition> definitions, Map<String, ImageDefinition> byName) {
        Set<String> baseNames = new java.util.HashSet<>();
        for (String b : config.baseImages()) {
            String repo = Labels.repositoryOf(b);
            baseNames.add(repo.substring(repo.lastIndexOf('/') + 1));
        }
        List<LintProblem> out = new ArrayList<>();
        for (ImageDefinition def : definitions) {
            for (String dep : def.declaredDepends()) {
                if (byName.containsKey(dep) || baseNames.contains(dep)) continue;
                Path control = def.control();
                out.add(new LintProblem(control.toString(), lineOf(control, dep), "depends on '" + dep
                        + "', which is neither an image of this tree nor a base image (docker-pkg stops: 'Image " + dep
                        + " (dependency of " + def.name() + ") not found'; a build skips " + def.name()
                        + " unless the registry has it)"));
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern USED_IMAGE = java.util.regex.Pattern.compile("in-tree image '([^']+)'");

    /**
     * The 1-based line of {@code template} where the image a warning names ({@code in-tree image 'NAME'}) is used: its
     * first line naming it in quotes ({@code "NAME" | image_tag}) or as a repository path ({@code {{ registry }}/NAME});
     * 0 when not found.
     */
    private static int lineOfUse(Path template, String warning) {
        java.util.regex.Matcher m = USED_IMAGE.matcher(warning);
        if (!m.find()) return 0;
        String name = java.util.regex.Pattern.quote(m.group(1));
        java.util.regex.Pattern use = java.util.regex.Pattern.compile("[\"']" + name + "[\"']|/" + name + "($|[:@\\s\"'])");
        try {
            List<String> lines = Files.readAllLines(template, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) if (use.matcher(lines.get(i)).find()) return i + 1;
        } catch (IOException e) {
            // the location is a help, not a requirement
        }
        return 0;
    }

    /** The 1-based line of {@code control} that names {@code dep}, 0 when not found. */
    private static int lineOf(Path control, String dep) {
        try {
            List<String> lines = Files.readAllLines(control, StandardCharsets.UTF_8);
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("(^|[\\s:,])" + java.util.regex.Pattern.quote(dep) + "($|[\\s,(])");
            for (int i = 0; i < lines.size(); i++) if (p.matcher(lines.get(i)).find()) return i + 1;
        } catch (IOException e) {
            // the location is a help, not a requirement
        }
        return 0;
    }

    /** Images whose directory changed since {@code rev} but whose newest changelog version did not grow. */
    private List<LintProblem> unbumped(Path root, List<Path> dirs, String rev) {
        Path top = Path.of(git(root, "rev-parse", "--show-toplevel").strip()).toAbsolutePath().normalize();
        GitResult commit = runGit(root, "rev-parse", "--verify", rev + "^{commit}");
        if (commit.exit != 0) {
            String why = commit.err.strip().replaceFirst("^fatal: ", "");
            throw new InputError("--against '" + rev + "': not a commit of the git repository at " + top
                    + (why.isEmpty() ? "" : " (git: " + why + ")") + "; fetch it first or give a branch, tag or commit that exists");
        }
        String diff = git(root, "diff", "--name-only", rev, "--", ".");
        // Each changed file belongs to the deepest image directory holding it (images may nest).
        List<Path> byDepth = new ArrayList<>(dirs);
        byDepth.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        Set<Path> changed = new LinkedHashSet<>();
        for (String name : diff.split("\n")) {
            if (name.isBlank()) continue;
            Path file = top.resolve(name).normalize();
            for (Path d : byDepth) {
                if (file.startsWith(real(d))) {
                    changed.add(d);
                    break;
                }
            }
        }
        List<LintProblem> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!changed.contains(d)) continue;
            Path changelog = d.resolve(ImageDefinition.CHANGELOG);
            ChangelogEntry now;
            try {
                now = ChangelogReader.newest(changelog);
            } catch (InputError e) {
                continue; // already reported
            }
            String relative = top.relativize(real(changelog)).toString().replace('\\', '/');
            Optional<String> before = gitShow(root, rev + ":" + relative);
            if (before.isEmpty()) continue; // a new image: any version is new
            ChangelogEntry then;
            try {
                then = parseChangelog(before.get());
            } catch (InputError e) {
                continue; // the old changelog was broken; the current one parses, so that is an improvement
            }
            if (DebianVersion.parse(now.version()).compareTo(DebianVersion.parse(then.version())) <= 0) {
                out.add(new LintProblem(changelog.toString(), now.line(), "'" + now.packageName() + "' changed since " + rev
                        + " but its version " + now.version() + " is not newer than " + then.version()
                        + " there; add a changelog entry (imagetree update) or the change will never be built"));
            }
        }
        return out;
    }

    /** git prints paths below the real top-level directory; compare like with like. */
    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static ChangelogEntry parseChangelog(String text) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("imagetree-lint-", ".changelog");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            return ChangelogReader.newest(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private Optional<String> gitShow(Path cwd, String object) {
        GitResult r = runGit(cwd, "show", object);
        return r.exit == 0 ? Optional.of(r.out) : Optional.empty();
    }

    private String git(Path cwd, String... args) {
        GitResult r = runGit(cwd, args);
        if (r.exit != 0) {
            throw new InputError(cwd, 0, "git " + String.join(" ", args) + " failed: " + r.err.strip());
        }
        return r.out;
    }

    private record GitResult(int exit, String out, String err) {}

    private GitResult runGit(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("-C");
        cmd.add(cwd.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "imagetree-git-stderr");
            errReader.setDaemon(true);
            errReader.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new InputError(cwd, 0, "git " + String.join(" ", args) + " did not finish in " + GIT_TIMEOUT_SECONDS + "s");
            }
            errReader.join(TimeUnit.SECONDS.toMillis(5));
            return new GitResult(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputError(cwd, 0, "cannot run git: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputError(cwd, 0, "interrupted while running git");
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the exit status tells the caller what went wrong
        }
    }

    private static LintProblem of(InputError e, Path fallback) {
        return new LintProblem(e.file() != null ? e.file() : fallback.toString(), e.line(), e.problem());
    }
}
