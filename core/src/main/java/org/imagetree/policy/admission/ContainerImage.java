package org.imagetree.policy.admission;

import java.util.Objects;

/**
 * One container of a pod spec and its image.
 *
 * @param name  container name ("" when missing)
 * @param image image reference as written, or null when missing
 * @param field {@code containers}, {@code initContainers} or {@code ephemeralContainers}
 */
public record ContainerImage(String name, String image, String field) {
    public ContainerImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(field, "field");
    }

    /** {@code container 'app'}, {@code container 'setup' (init)}, {@code container 'debugger' (ephemeral)}. */
    public String describe() {
        return switch (field) {
            case "initContainers" -> "container '" + name + "' (init)";
            case "ephemeralContainers" -> "container '" + name + "' (ephemeral)";
            default -> "container '" + name + "'";
        };
    }
}
