package org.imagetree.pipeline.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * PipelineLib's variable syntax ({@code Lexer.groovy}): a string is literals and variables {@code ${name}} or
 * {@code ${name|default}}, where a name is letters, digits, {@code .}, {@code _} and {@code -}, and the default runs to
 * the first {@code }}. Stateless.
 */
public final class Lexer {
    private static final String START = "${";

    private Lexer() {}

    /** A piece of a string. */
    public sealed interface Token permits Literal, Variable {
        String source();
    }

    public record Literal(String source) implements Token {}

    /** {@code ${name}} or {@code ${name|defaultValue}}. */
    public record Variable(String source, String name, boolean hasDefault, String defaultValue) implements Token {}

    /** An expression PipelineLib's lexer refuses. */
    public static final class InvalidVariableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidVariableException(String source, String reason) {
            super("invalid variable expression (" + reason + "): " + source);
        }
    }

    /** Whether {@code s} holds anything the lexer would treat as a variable. */
    public static boolean hasVariables(String s) { return s.contains(START); }

    /**
     * The tokens of {@code source}.
     *
     * @throws InvalidVariableException for {@code ${} without {@code }}, an empty name, or a character after the name
     *                                  other than {@code |}
     */
    public static List<Token> tokenize(String source) {
        List<Token> tokens = new ArrayList<>();
        String rest = source;
        while (!rest.isEmpty()) {
            int at = rest.indexOf(START);
            if (at < 0) break;
            if (at > 0) tokens.add(new Literal(rest.substring(0, at)));
            rest = rest.substring(at);
            Variable v = scan(rest);
            tokens.add(v);
            rest = rest.substring(v.source().length());
        }
        if (!rest.isEmpty()) tokens.add(new Literal(rest));
        return List.copyOf(tokens);
    }

    private static Variable scan(String src) {
        int end = src.indexOf('}');
        if (end < 0) throw new InvalidVariableException(src, "missing the end delimiter }");
        String source = src.substring(0, end + 1);
        String body = src.substring(START.length(), end);
        int i = 0;
        while (i < body.length() && isNameChar(body.charAt(i))) i++;
        if (i == 0) throw new InvalidVariableException(source, "name is missing");
        String name = body.substring(0, i);
        String remainder = body.substring(i);
        if (remainder.isEmpty()) return new Variable(source, name, false, "");
        if (remainder.charAt(0) != '|') throw new InvalidVariableException(source, "invalid character following name");
        return new Variable(source, name, true, remainder.substring(1));
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
    }
}
