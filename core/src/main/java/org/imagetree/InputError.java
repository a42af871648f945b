package org.imagetree;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A problem with the user's input (a definition, a template, a config file, an argument): reported as
 * {@code file:line: message}, with no stack trace and a non-zero exit. Never carries a secret.
 */
public class InputError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String problem;

    public InputError(Path file, int line, String problem) {
        this(file == null ? null : file.toString(), line, problem, null);
    }

    public InputError(Path file, int line, String problem, Throwable cause) {
        this(file == null ? null : file.toString(), line, problem, cause);
    }

    /** @param file a file path or another location such as a YAML document name; may be null */
    public InputError(String file, int line, String problem, Throwable cause) {
        super(format(file, line, problem), cause);
        this.file = file;
        this.line = line;
        this.problem = Objects.requireNonNull(problem);
    }

    public InputError(String problem) {
        this((String) null, 0, problem, null);
    }

    private static String format(String file, int line, String problem) {
        if (file == null) return problem;
        return line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem;
    }

    /** The file (or document) the problem is in, or null. */
    public String file() { return file; }

    /** 1-based line, or 0 when not known. */
    public int line() { return line; }

    /** The problem without its location. */
    public String problem() { return problem; }
}
