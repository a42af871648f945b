package org.imagetree.lint;

import java.util.Objects;

/**
 * One problem found by {@link TreeLinter}.
 *
 * @param file    the file at fault (a changelog, a control file, a template); never null
 * @param line    1-based line, or 0 when not known
 * @param message what is wrong, without the location
 */
public record LintProblem(String file, int line, String message, Severity severity) {
    /** An error fails lint; a warning is listed and fails only {@code lint --strict}. */
    public enum Severity { ERROR, WARNING }

    public LintProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        if (line < 0) throw new IllegalArgumentException("line must be >= 0");
    }

    /** An error. */
    public LintProblem(String file, int line, String message) { this(file, line, message, Severity.ERROR); }

    public boolean isWarning() { return severity == Severity.WARNING; }

    /**
     * {@code file:line: message} ({@code file: message} when the line is not known); a warning says so after the
     * location ({@code file:line: warning: message}).
     */
    @Override
    public String toString() {
        String text = isWarning() ? "warning: " + message : message;
        return line > 0 ? file + ":" + line + ": " + text : file + ": " + text;
    }
}
