package org.imagetree.pipeline.expr;

/** An expression that names nothing, or cannot be evaluated: the 1-based line of the value (0 if unknown) and why. */
public final class ExpressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public ExpressionException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() { return line; }

    /** The same problem at {@code newLine} when this one has none, with {@code prefix} (a path) before it. */
    ExpressionException at(int newLine, String prefix) {
        return new ExpressionException(line > 0 ? line : newLine, prefix.isEmpty() ? getMessage() : prefix + ": " + getMessage());
    }
}
