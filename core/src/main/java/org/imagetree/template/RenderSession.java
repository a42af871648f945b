package org.imagetree.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mutable state of one render, confined to the thread doing it: the names given to {@code image_tag}
 * and the first failure raised by a filter or an undefined variable (Jinjava would otherwise turn it into
 * a recoverable error and carry on).
 */
final class RenderSession {
    /** A failure and the template line it happened on. */
    record Failure(RuntimeException error, int line) {}

    private final List<String> imageTagNames = new ArrayList<>();
    private Failure failure;

    void imageTagCalled(String name) {
        imageTagNames.add(name);
    }

    List<String> imageTagNames() {
        return List.copyOf(imageTagNames);
    }

    /** Keeps the first failure only: later ones are usually consequences of it. */
    RuntimeException fail(RuntimeException error, int line) {
        if (failure == null) failure = new Failure(error, line);
        return error;
    }

    Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }
}
