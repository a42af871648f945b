package org.imagetree.lint;

import java.util.Objects;

/**
 * One problem found by {@link TreeLinter}.
 *
 * @param file    the file at fault (a changelog, a control file, a template); never null
 * @param line    1-based line, or 0 when not known
 * @param message what is wrong, without the location
 */
public record LintProblem(String file, int line, String message) {
    public LintProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0) throw new IllegalArgumentException("line must be >= 0");
    }

    /** {@code file:line: message} ({@code file: message} when the line is not known). */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
