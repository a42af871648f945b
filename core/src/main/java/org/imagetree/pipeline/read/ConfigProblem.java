package org.imagetree.pipeline.read;

import java.util.Objects;

/** One problem of a pipeline config: its 1-based line (0 when unknown) and what is wrong, path first. */
public record ConfigProblem(int line, String message) implements Comparable<ConfigProblem> {
    public ConfigProblem {
        Objects.requireNonNull(message);
    }

    /** {@code file:line: message}, as every input error of the project reads. */
    public String format(String file) {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }

    @Override
    public int compareTo(ConfigProblem o) {
        int c = Integer.compare(line, o.line);
        return c != 0 ? c : message.compareTo(o.message);
    }
}
