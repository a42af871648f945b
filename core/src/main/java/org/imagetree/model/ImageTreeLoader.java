package org.imagetree.model;

import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.policy.PolicyChecker;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.Violation;
import org.imagetree.read.ImageScanner;
import org.imagetree.template.RenderedTemplate;
import org.imagetree.template.TemplateRenderer;

import java.nio.file.Path;
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
        org.imagetree.read.ScanResult scan = new ImageScanner(threads).scan(root);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>(scan.warnings()));
        Map<String, ImageDefinition> byName = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        Map<String, String> nameByRepository = new HashMap<>();
        for (ImageDefinition d : scan.images()) {
            String label = Labels.label(config.registry(), config.namespace(), d.name(), d.version() + tagSuffix);
            byName.put(d.name(), d);
            labels.put(d.name(), label);
            nameByRepository.put(Labels.repositoryOf(label), d.name());
            // docker-pkg trees refer to in-tree images also without the namespace ({{ registry }}/name).
            nameByRepository.putIfAbsent(Labels.repository(config.registry(), "", d.name()), d.name());
        }
        List<String> known = new ArrayList<>(labels.values());
        known.addAll(config.baseImages());
        TemplateRenderer renderer = new TemplateRenderer(config, known, warnings::add);

        Map<String, TreeImage> images = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, scan.images().size())), r -> {
            Thread t = new Thread(r, "imagetree-render");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ImageDefinition d : scan.images()) {
                futures.add(pool.submit(() -> images.put(d.name(), model(d, labels.get(d.name()), renderer, byName, nameByRepository))));
            }
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
        } finally {
            pool.shutdownNow();
        }
        List<TreeImage> ordered = new ArrayList<>();
        for (ImageDefinition d : scan.images()) {
            TreeImage ti = images.get(d.name());
            ordered.add(ti);
            ti.warnings().forEach(w -> warnings.add(d.directory() + ": " + w));
        }
        return new LoadedTree(root, new ImageTree(ordered), warnings, violations(ordered));
    }

    /** Every FROM of every rendered template and every base image, against the registry policy. */
    private List<Violation> violations(List<TreeImage> images) {
        if (config.allowedRegistries().isEmpty()) return List.of();
        PolicyChecker checker = new PolicyChecker(RegistryPolicy.forBuild(config));
        List<Violation> out = new ArrayList<>(checker.checkReferences("config: base_images", config.baseImages()));
        for (TreeImage i : images) {
            Path template = i.definition().template();
            String source;
            try {
                source = java.nio.file.Files.readString(template);
            } catch (java.io.IOException e) {
                throw new InputError(template, 0, "cannot read: " + e.getMessage());
            }
            out.addAll(checker.checkTemplate(template.toString(), source, i.dockerfile()));
        }
        return out;
    }

    private TreeImage model(ImageDefinition d, String label, TemplateRenderer renderer,
                            Map<String, ImageDefinition> tree, Map<String, String> nameByRepository) {
        RenderedTemplate rendered = renderer.render(d.template());
        if (config.forceNumericUser() && !TemplateRenderer.hasNumericUser(rendered.dockerfile())) {
            throw new InputError(d.template(), 0, "force_numeric_user: the last USER of the rendered Dockerfile is not numeric");
        }
        Set<String> used = new TreeSet<>();
        Set<String> externals = new LinkedHashSet<>();
        for (String n : rendered.imageTagNames()) if (tree.containsKey(n) && !n.equals(d.name())) used.add(n);
        for (Dockerfiles.FromInstruction from : Dockerfiles.froms(rendered.dockerfile())) {
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
