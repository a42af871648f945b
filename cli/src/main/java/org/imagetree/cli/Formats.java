package org.imagetree.cli;

/** The values of {@code --format}: picocli rejects any other with the list of these (exit 2). */
final class Formats {
    private Formats() {}

    /** plan, render, build. */
    enum Text { text, json }

    /** graph. */
    enum Graph { dot, mermaid }
}
