package org.imagetree.template;

import java.util.List;
import java.util.Objects;

/**
 * The result of rendering one {@code Dockerfile.template}.
 *
 * @param dockerfile    the rendered Dockerfile, byte for byte what docker-pkg produces
 * @param imageTagNames the names passed to {@code image_tag} during this render, in call order (for
 *                      dependency inference: a template may use an image it does not declare in {@code control})
 */
public record RenderedTemplate(String dockerfile, List<String> imageTagNames) {
    public RenderedTemplate {
        Objects.requireNonNull(dockerfile, "dockerfile");
        imageTagNames = List.copyOf(imageTagNames);
    }
}
