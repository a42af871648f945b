package org.imagetree.model;

import java.util.List;

/**
 * An image of the tree with everything the later stages need: its definition, its full label, the
 * rendered Dockerfile (rendered once), and its dependencies resolved against the tree.
 *
 * <p>A tree loaded for a build ({@link ImageTreeLoader#loadForBuild}) leaves published images that nothing builds
 * on top of unrendered: such an image is not {@link #rendered()}, has its {@code control} parents only, no externals,
 * no warnings, and asking for its {@link #dockerfile()} is a programming error.
 *
 * @param definition   what the image directory says
 * @param label        full label {@code registry/namespace/name:tag}
 * @param dockerfile   the rendered Dockerfile ("" when not rendered)
 * @param parents      in-tree images it builds on (declared in control or used in the template), sorted
 * @param externals    references to images outside the tree (base images, earlier trees), as written
 * @param warnings     problems worth telling (undeclared dependency, declared but unused, ...)
 * @param rendered     whether the template was rendered (parents, externals and warnings then include what it uses)
 * @param renderError  why the template could not be rendered ({@code file:line: problem}), or null
 */
public record TreeImage(ImageDefinition definition, String label, String dockerfile, List<String> parents,
                        List<String> externals, List<String> warnings, boolean rendered, String renderError) {
    public TreeImage {
        parents = List.copyOf(parents);
        externals = List.copyOf(externals);
        warnings = List.copyOf(warnings);
        if (!rendered && !dockerfile.isEmpty()) throw new IllegalArgumentException("an unrendered image has no Dockerfile");
        if (rendered && renderError != null) throw new IllegalArgumentException("a rendered image has no render error");
    }

    /** An image rendered or left unrendered, without a render error. */
    public TreeImage(ImageDefinition definition, String label, String dockerfile, List<String> parents,
                     List<String> externals, List<String> warnings, boolean rendered) {
        this(definition, label, dockerfile, parents, externals, warnings, rendered, null);
    }

    /** A rendered image. */
    public TreeImage(ImageDefinition definition, String label, String dockerfile, List<String> parents,
                     List<String> externals, List<String> warnings) {
        this(definition, label, dockerfile, parents, externals, warnings, true);
    }

    /** An image whose template was not rendered: its {@code control} parents only (those in the tree). */
    public static TreeImage unrendered(ImageDefinition definition, String label, List<String> controlParents) {
        return new TreeImage(definition, label, "", controlParents, List.of(), List.of(), false);
    }

    /**
     * An image whose template failed to render in a build ({@link ImageTreeLoader#loadForBuild}): its {@code control}
     * parents only, and the error ({@code file:line: problem}). The build fails it and skips what builds on it.
     */
    public static TreeImage failedToRender(ImageDefinition definition, String label, List<String> controlParents, String error) {
        return new TreeImage(definition, label, "", controlParents, List.of(), List.of(), false, java.util.Objects.requireNonNull(error));
    }

    /**
     * The rendered Dockerfile.
     *
     * @throws IllegalStateException when the image was not rendered (see the class comment)
     */
    @Override
    public String dockerfile() {
        if (!rendered) throw new IllegalStateException("the template of " + definition.name() + " was not rendered");
        return dockerfile;
    }

    public String name() { return definition.name(); }

    public String tag() { return label.substring(label.lastIndexOf(':') + 1); }

    /** The label without its tag: {@code registry/namespace/name}. */
    public String repository() { return label.substring(0, label.lastIndexOf(':')); }
}
