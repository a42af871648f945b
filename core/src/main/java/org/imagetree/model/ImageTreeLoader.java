package org.imagetree.model;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.policy.PolicyChecker;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.Violation;
import org.imagetree.read.ImageScanner;
import org.imagetree.template.RenderedTemplate;
import org.imagetree.template.TemplateRenderer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Read → model: scans a directory, renders every template once with the whole tree known, and resolves
 * each image's parents from {@code control} <em>and</em> from what its template really uses
 * ({@code image_tag} and {@code {{ registry }}/<name>} references), so ordering is right even when
 * {@code control} is incomplete.
 */
public final class ImageTreeLoader {
    private final EngineConfig config;
    private final int threads;
    private static final Pattern LINE_PREFIX = Pattern.compile("line (\\d+): ");
    private static final Pattern FROM_LINE = Pattern.compile("\\s*FROM\\s", Pattern.CASE_INSENSITIVE);

    /** What in a Debian version cannot go into a tag. */
    private static String tagProblem(String version) {
        if (version.indexOf(':') >= 0) return ", and the epoch '" + version.substring(0, version.indexOf(':') + 1) + "' has a ':'";
        if (version.indexOf('~') >= 0) return ", and '~' is not one of them";
        if (version.indexOf('+') >= 0) return ", and '+' is not one of them";
        return "";
    }

    /**
     * The model of a directory: the tree, every warning found while reading it, and every image reference that
     * breaks the registry policy ({@code allowed_registries}, default {@code registry}; none when neither is set).
     */
    public record LoadedTree(Path root, ImageTree tree, List<String> warnings, List<Violation> violations) {
        public LoadedTree {
            warnings = List.copyOf(warnings);
            violations = List.copyOf(violations);
        }
    }

    public ImageTreeLoader(EngineConfig config, int threads) {
        this.config = config;
        this.threads = Math.max(1, threads);
    }

    /**
     * @param tagSuffix appended to every scanned image's tag ({@code --nightly}/{@code --snapshot}); "" for none
     */
    public LoadedTree load(Path root, String tagSuffix) {
        return load(root, tagSuffix, labels -> { });
    }

    /**
     * As {@link #load(Path, String)}; {@code labelsKnown} receives the label of every scanned image as soon as the
     * scan has named them, before any template is rendered (e.g. to start asking the registry about them).
     */
    public LoadedTree load(Path root, String tagSuffix, java.util.function.Consumer<java.util.Collection<String>> labelsKnown) {
        return load(root, tagSuffix, labelsKnown, null);
    }

    /**
     * Which images a build may work on: those whose label {@code selects} (the selection) and that are not
     * {@code published}. {@code published} is asked once, after {@code labelsKnown} has seen the labels, and names
     * the labels the registry holds (an image it does not name counts as not published, so it is rendered).
     */
    public record BuildScope(java.util.function.Predicate<String> selects, java.util.function.Supplier<Set<String>> published) {}

    /**
     * As {@link #load(Path, String, java.util.function.Consumer)}, but renders only the templates a build can need:
     * every image {@code scope} says may be worked on, and, transitively, every parent of one of those that is not
     * published (parents found from {@code control} and from the rendering, so an undeclared in-tree parent is still
     * ordered first). A published image is not rendered: it keeps its {@code control} parents (which are followed, so
     * an unpublished ancestor reached through it is rendered too), no externals and no warnings; docker-pkg never
     * rebuilds a published image. Hence {@code force_numeric_user}, the undeclared-dependency warnings and the registry
     * policy ({@link LoadedTree#violations()}, besides {@code base_images}) cover the rendered images only; lint and
     * {@code policy check} (and {@link #load}) cover every image.
     */
    public LoadedTree loadForBuild(Path root, String tagSuffix,
                                   java.util.function.Consumer<java.util.Collection<String>> labelsKnown, BuildScope scope) {
        return load(root, tagSuffix, labelsKnown, java.util.Objects.requireNonNull(scope));
    }

    /** {@code scope} null: render everything. */
    private LoadedTree load(Path root, String tagSuffix, java.util.function.Consumer<java.util.Collection<String>> labelsKnown,
                            BuildScope scope) {
        org.imagetree.read.ScanResult scan = new ImageScanner(threads).scan(root);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>(scan.warnings()));
        Map<String, ImageDefinition> byName = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        Map<String, String> nameByRepository = new HashMap<>();
        for (ImageDefinition d : scan.images()) {
            String label = Labels.label(config.registry(), config.namespace(), d.name(), d.version() + tagSuffix);
            if (!ImageReference.isValidTag(d.version() + tagSuffix)) {
                // docker-pkg tags with the version as written; docker then refuses the name ("invalid reference format").
                throw new InputError(d.changelog(), org.imagetree.read.ChangelogReader.newest(d.changelog()).line(),
                        "version '" + d.version() + "' of image " + d.name() + " cannot be an image tag: a tag has only letters,"
                                + " digits, '_', '.' and '-' (at most 128)" + tagProblem(d.version())
                                + "; docker-pkg stops there too (docker: \"invalid reference format\")");
            }
            try {
                ImageReference.parse(label);
            } catch (IllegalArgumentException e) {
                throw new InputError(d.changelog(), org.imagetree.read.ChangelogReader.newest(d.changelog()).line(),
                        "image " + d.name() + " (" + d.version() + tagSuffix + ") cannot be named " + label + ": " + e.getMessage());
            }
            byName.put(d.name(), d);
            labels.put(d.name(), label);
            nameByRepository.put(Labels.repositoryOf(label), d.name());
            // docker-pkg trees refer to in-tree images also without the namespace ({{ registry }}/name).
            nameByRepository.putIfAbsent(Labels.repository(config.registry(), "", d.name()), d.name());
        }
        labelsKnown.accept(List.copyOf(labels.values()));
        List<String> known = new ArrayList<>(labels.values());
        known.addAll(config.baseImages());
        // Made on this thread when the first template is to be rendered (a no-op build renders none), then shared.
        TemplateRenderer[] renderer = new TemplateRenderer[1];

        Map<String, TreeImage> images = new ConcurrentHashMap<>();
        Map<String, String> sources = new ConcurrentHashMap<>(); // each template read once: render, FROM lines, policy
        java.util.function.Function<ImageDefinition, TreeImage> model = d -> model(d, labels.get(d.name()), renderer[0],
                byName, nameByRepository, sources);
        // In a build, a template that does not render fails its image only (and what builds on it); elsewhere it is an error.
        java.util.function.Function<ImageDefinition, TreeImage> render = scope == null ? model : d -> {
            try {
                return model.apply(d);
            } catch (InputError e) {
                TreeImage u = unrendered(d, labels.get(d.name()), byName);
                return TreeImage.failedToRender(d, u.label(), u.parents(), e.getMessage());
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, scan.images().size())), r -> {
            Thread t = new Thread(r, "imagetree-render");
            t.setDaemon(true);
            return t;
        });
        try {
            if (scope == null) {
                renderer[0] = new TemplateRenderer(config, known, warnings::add);
                renderAll(pool, scan.images(), images, render);
            } else {
                Set<String> published = scope.published().get();
                // Breadth first from the images that may be worked on; a level's templates render in parallel.
                List<String> level = new ArrayList<>();
                for (ImageDefinition d : scan.images()) {
                    String label = labels.get(d.name());
                    if (scope.selects().test(label) && !published.contains(label)) level.add(d.name());
                }
                Set<String> reached = new java.util.HashSet<>(level);
                while (!level.isEmpty()) {
                    List<ImageDefinition> toRender = new ArrayList<>();
                    for (String n : level) {
                        ImageDefinition d = byName.get(n);
                        if (published.contains(labels.get(n))) images.put(n, unrendered(d, labels.get(n), byName));
                        else toRender.add(d);
                    }
                    if (!toRender.isEmpty() && renderer[0] == null) renderer[0] = new TemplateRenderer(config, known, warnings::add);
                    renderAll(pool, toRender, images, render);
                    List<String> next = new ArrayList<>();
                    for (String n : level) for (String p : images.get(n).parents()) if (reached.add(p)) next.add(p);
                    level = next;
                }
                for (ImageDefinition d : scan.images()) {
                    images.computeIfAbsent(d.name(), n -> unrendered(d, labels.get(n), byName));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<TreeImage> ordered = new ArrayList<>();
        for (ImageDefinition d : scan.images()) {
            TreeImage ti = images.get(d.name());
            ordered.add(ti);
            ti.warnings().forEach(w -> warnings.add(d.directory() + ": " + w));
        }
        return new LoadedTree(root, new ImageTree(ordered), warnings, violations(ordered, sources));
    }

    /** An image left unrendered: its control parents that are in the tree. */
    private static TreeImage unrendered(ImageDefinition d, String label, Map<String, ImageDefinition> tree) {
        Set<String> parents = new TreeSet<>();
        for (String dep : d.declaredDepends()) if (tree.containsKey(dep) && !dep.equals(d.name())) parents.add(dep);
        return TreeImage.unrendered(d, label, new ArrayList<>(parents));
    }

    /** Models every definition on {@code pool} and waits for all; the first failure is rethrown as it was. */
    private static void renderAll(ExecutorService pool, List<ImageDefinition> definitions, Map<String, TreeImage> into,
                                  java.util.function.Function<ImageDefinition, TreeImage> model) {
        List<Future<?>> futures = new ArrayList<>();
        for (ImageDefinition d : definitions) futures.add(pool.submit(() -> into.put(d.name(), model.apply(d))));
        try {
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering templates", e);
        }
    }

    /** Every FROM of every rendered template and every base image, against the registry policy. */
    private List<Violation> violations(List<TreeImage> images, Map<String, String> sources) {
        if (config.allowedRegistries().isEmpty()) return List.of();
        PolicyChecker checker = new PolicyChecker(RegistryPolicy.forBuild(config));
        List<Violation> out = new ArrayList<>(checker.checkReferences("config: base_images", config.baseImages()));
        for (TreeImage i : images) {
            if (!i.rendered()) continue; // a published image a build leaves alone, or one that failed to render (see loadForBuild)
            out.addAll(checker.checkTemplate(i.definition().template().toString(), sources.get(i.name()), i.dockerfile()));
        }
        return out;
    }

    /**
     * The FROM instructions of a rendering, each naming a valid image reference; otherwise an {@link InputError} at
     * the template line. (The registry policy is checked for the whole tree afterwards, see {@code violations}.)
     */
    private List<Dockerfiles.FromInstruction> checkedFroms(Path template, String source, String dockerfile) {
        IntUnaryOperator toTemplateLine = templateLines(source, dockerfile);
        List<Dockerfiles.FromInstruction> froms;
        try {
            froms = Dockerfiles.froms(dockerfile);
        } catch (IllegalArgumentException e) {
            java.util.regex.Matcher m = LINE_PREFIX.matcher(String.valueOf(e.getMessage()));
            if (!m.lookingAt()) throw new InputError(template, 0, e.getMessage());
            throw new InputError(template, toTemplateLine.applyAsInt(Integer.parseInt(m.group(1))), e.getMessage().substring(m.end()));
        }
        for (Dockerfiles.FromInstruction from : froms) {
            if (from.kind() != Dockerfiles.Kind.IMAGE || from.unresolvedArg()) continue;
            try {
                ImageReference.parse(from.resolvedImage());
            } catch (IllegalArgumentException e) {
                throw new InputError(template, toTemplateLine.applyAsInt(from.line()), "FROM: " + e.getMessage());
            }
        }
        return froms;
    }

    /** Maps the n-th FROM of the rendering to the n-th FROM line of the template (identity when they differ in number). */
    private static IntUnaryOperator templateLines(String template, String dockerfile) {
        List<Integer> rendered = fromLines(dockerfile);
        List<Integer> source = fromLines(template);
        if (rendered.size() != source.size()) return IntUnaryOperator.identity();
        Map<Integer, Integer> map = new HashMap<>();
        for (int i = 0; i < rendered.size(); i++) map.put(rendered.get(i), source.get(i));
        return line -> map.getOrDefault(line, line);
    }

    private static List<Integer> fromLines(String text) {
        List<Integer> out = new ArrayList<>();
        String[] lines = text.split("\\r\\n|\\r|\\n", -1);
        for (int i = 0; i < lines.length; i++) if (FROM_LINE.matcher(lines[i]).lookingAt()) out.add(i + 1);
        return out;
    }

    private TreeImage model(ImageDefinition d, String label, TemplateRenderer renderer,
                            Map<String, ImageDefinition> tree, Map<String, String> nameByRepository, Map<String, String> sources) {
        String source;
        try {
            source = Files.readString(d.template(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError(d.template(), 0, "cannot read template: " + e.getMessage());
        }
        sources.put(d.name(), source);
        RenderedTemplate rendered = renderer.render(d.template(), source);
        if (config.forceNumericUser() && !TemplateRenderer.hasNumericUser(rendered.dockerfile())) {
            throw new InputError(d.template(), 0, "force_numeric_user: the last USER of the rendered Dockerfile is not numeric");
        }
        Set<String> used = new TreeSet<>();
        Set<String> externals = new LinkedHashSet<>();
        for (String n : rendered.imageTagNames()) if (tree.containsKey(n) && !n.equals(d.name())) used.add(n);
        for (Dockerfiles.FromInstruction from : checkedFroms(d.template(), source, rendered.dockerfile())) {
            if (from.kind() != Dockerfiles.Kind.IMAGE || from.unresolvedArg()) continue;
            String repo = Labels.repositoryOf(from.resolvedImage());
            String inTree = nameByRepository.get(repo);
            if (inTree != null && !inTree.equals(d.name())) used.add(inTree);
            else if (inTree == null) externals.add(from.resolvedImage());
        }
        List<String> warnings = new ArrayList<>();
        Set<String> parents = new TreeSet<>(used);
        for (String dep : d.declaredDepends()) {
            if (tree.containsKey(dep)) {
                parents.add(dep);
            } else if (externals.stream().noneMatch(e -> Labels.repositoryOf(e).endsWith("/" + dep))) {
                // Declared, not in this tree and not visible in the template: it must already be published.
                externals.add(Labels.label(config.registry(), config.namespace(), dep, "latest"));
            }
        }
        for (String u : used) {
            if (!d.declaredDepends().contains(u)) {
                warnings.add("uses in-tree image '" + u + "' that control does not declare; it is built first anyway");
            }
        }
        return new TreeImage(d, label, rendered.dockerfile(), new ArrayList<>(parents), new ArrayList<>(externals), warnings);
    }
}
