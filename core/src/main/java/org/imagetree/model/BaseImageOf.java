package org.imagetree.model;

import java.util.List;
import java.util.Optional;

/**
 * The image an image is built on: the {@code FROM} of its final stage, following stage aliases back to an image
 * ({@code FROM build AS final} … {@code FROM final}). This is what the OCI annotations
 * {@code org.opencontainers.image.base.name}/{@code .digest} describe, and what makes an image stale when it changes.
 */
public final class BaseImageOf {
    /** Label: the parent reference as the final stage's FROM names it. */
    public static final String NAME_LABEL = "org.opencontainers.image.base.name";
    /** Label: the parent's manifest digest when built (or its local image id when the parent was not published). */
    public static final String DIGEST_LABEL = "org.opencontainers.image.base.digest";

    private BaseImageOf() {}

    /**
     * @param reference  the parent image reference (after ARG substitution)
     * @param inTreeName the parent's name when it is an image of the same tree, else null
     */
    public record Parent(String reference, String inTreeName) {
        public Optional<String> inTree() { return Optional.ofNullable(inTreeName); }
    }

    /** Empty for {@code FROM scratch}, an unresolved ARG or a Dockerfile without FROM. */
    public static Optional<Parent> of(TreeImage image, ImageTree tree) {
        Optional<String> base = finalBase(image.dockerfile());
        if (base.isEmpty()) return Optional.empty();
        String ref = base.get();
        String repo = Labels.repositoryOf(ref);
        for (String p : image.parents()) {
            TreeImage parent = tree.get(p);
            if (parent != null && Labels.repositoryOf(parent.label()).equals(repo)) return Optional.of(new Parent(ref, p));
        }
        return Optional.of(new Parent(ref, null));
    }

    /**
     * The image the final stage of {@code dockerfile} is built on (stage aliases followed); empty for {@code FROM
     * scratch}, an unresolved ARG or a Dockerfile without FROM. Blubber variants record it as trees do.
     */
    public static Optional<String> finalBase(String dockerfile) {
        List<Dockerfiles.FromInstruction> froms;
        try {
            froms = Dockerfiles.froms(dockerfile);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (froms.isEmpty()) return Optional.empty();
        int at = froms.size() - 1;
        Dockerfiles.FromInstruction from = froms.get(at);
        while (from.kind() == Dockerfiles.Kind.STAGE) {
            Dockerfiles.FromInstruction stage = null;
            for (int k = at - 1; k >= 0; k--) {
                if (from.resolvedImage().equalsIgnoreCase(froms.get(k).stageName())) {
                    stage = froms.get(k);
                    at = k;
                    break;
                }
            }
            if (stage == null) return Optional.empty();
            from = stage;
        }
        if (from.kind() != Dockerfiles.Kind.IMAGE || from.unresolvedArg()) return Optional.empty();
        return Optional.of(from.resolvedImage());
    }
}
