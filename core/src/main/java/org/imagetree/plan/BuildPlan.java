package org.imagetree.plan;

import org.imagetree.model.ImageTree;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What exists where, what to do with each image, and in which waves: images of one wave do not depend on
 * each other and can build at the same time; every wave depends only on earlier ones.
 *
 * @param tree     the modelled tree
 * @param images   every image, parents before children
 * @param waves    names of the images with action BUILD or PUBLISH, by wave
 * @param warnings from reading and planning
 */
public record BuildPlan(ImageTree tree, Map<String, PlannedImage> images, List<List<String>> waves, List<String> warnings) {
    public BuildPlan {
        images = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(images));
        waves = waves.stream().map(List::copyOf).toList();
        warnings = List.copyOf(warnings);
    }

    public PlannedImage get(String name) { return images.get(name); }

    public List<PlannedImage> where(Predicate<PlannedImage> p) { return images.values().stream().filter(p).toList(); }

    /** Images the run works on (build or publish), parents first. */
    public List<PlannedImage> work() {
        return where(p -> p.action().isWork());
    }
}
