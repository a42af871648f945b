package org.imagetree.model;

import java.util.List;

/**
 * An image of the tree with everything the later stages need: its definition, its full label, the
 * rendered Dockerfile (rendered once), and its dependencies resolved against the tree.
 *
 * @param definition   what the image directory says
 * @param label        full label {@code registry/namespace/name:tag}
 * @param dockerfile   the rendered Dockerfile
 * @param parents      in-tree images it builds on (declared in control or used in the template), sorted
 * @param externals    references to images outside the tree (base images, earlier trees), as written
 * @param warnings     problems worth telling (undeclared dependency, declared but unused, ...)
 */
public record TreeImage(ImageDefinition definition, String label, String dockerfile, List<String> parents,
                        List<String> externals, List<String> warnings) {
    public TreeImage {
        parents = List.copyOf(parents);
        externals = List.copyOf(externals);
        warnings = List.copyOf(warnings);
    }

    public String name() { return definition.name(); }

    public String tag() { return label.substring(label.lastIndexOf(':') + 1); }

    /** The label without its tag: {@code registry/namespace/name}. */
    public String repository() { return label.substring(0, label.lastIndexOf(':')); }
}
