package org.imagetree.policy;

import java.util.Objects;

/**
 * One image reference that breaks the registry policy.
 *
 * @param file      where the reference was found (a template, a Blubber file, a config), or null
 * @param line      1-based line, or 0 when not known
 * @param reference the reference as written (after ARG substitution)
 * @param reason    why it is refused, phrased to follow {@code image 'ref'}
 */
public record Violation(String file, int line, String reference, String reason) {
    public Violation {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(reason, "reason");
        if (line < 0) throw new IllegalArgumentException("line must be >= 0");
    }

    /** The same violation found at another place. */
    public Violation at(String newFile, int newLine) {
        return new Violation(newFile, newLine, reference, reason);
    }

    /** {@code file:line: image 'ref' reason}, leaving out what is not known. */
    @Override
    public String toString() {
        String message = "image '" + reference + "' " + reason;
        if (file == null) return message;
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
