package org.imagetree.blubber.config;

import org.imagetree.InputError;

/** An input error in a Blubber config or policy, carrying the exit code Blubber's CLI uses for it. */
public class BlubberError extends InputError {
    private static final long serialVersionUID = 1L;

    /** The error classes of Blubber's CLI and their exit codes. */
    public enum Kind {
        READ(2), EXPANSION(3), VALIDATION(4), POLICY_LOAD(5), POLICY_VIOLATION(6);

        private final int exitCode;

        Kind(int exitCode) { this.exitCode = exitCode; }

        public int exitCode() { return exitCode; }
    }

    private final Kind kind;

    public BlubberError(Kind kind, String file, int line, String problem) {
        super(file, line, problem, null);
        this.kind = kind;
    }

    public Kind kind() { return kind; }

    public int exitCode() { return kind.exitCode(); }
}
