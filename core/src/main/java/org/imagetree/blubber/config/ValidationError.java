package org.imagetree.blubber.config;

import java.util.List;

/**
 * Failed validation (Blubber exit code 4): every failing field, each Blubber's {@code <field>: <text>} message at the
 * blubber.yaml line of its value. The message has one {@code file:line: field: text} line per problem (Blubber prints
 * {@code <file> is invalid:} and the messages without lines).
 */
public class ValidationError extends BlubberError {
    private static final long serialVersionUID = 1L;
    private final List<String> messages;

    public ValidationError(BlubberConfig config, List<ConfigValidator.Problem> problems) {
        super(Kind.VALIDATION, null, 0, located(config, problems));
        this.messages = problems.stream().map(ConfigValidator.Problem::message).toList();
    }

    private static String located(BlubberConfig config, List<ConfigValidator.Problem> problems) {
        StringBuilder sb = new StringBuilder();
        for (ConfigValidator.Problem p : problems) {
            if (!sb.isEmpty()) sb.append('\n');
            int line = SourceLines.valueLine(config, p.path());
            sb.append(config.file()).append(line > 0 ? ":" + line : "").append(": ").append(p.message());
        }
        return sb.toString();
    }

    /** Blubber's messages, {@code <field>: <text>}, without locations. */
    public List<String> messages() { return messages; }
}
