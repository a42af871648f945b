package org.imagetree.blubber.config;

import java.util.List;

/** Failed validation: every failing field, one {@code <field>: <text>} message each (Blubber exit code 4). */
public class ValidationError extends BlubberError {
    private static final long serialVersionUID = 1L;
    private final List<String> messages;

    public ValidationError(String file, List<String> messages) {
        super(Kind.VALIDATION, null, 0, file + " is invalid:\n" + String.join("\n", messages));
        this.messages = List.copyOf(messages);
    }

    public List<String> messages() { return messages; }
}
