package org.imagetree.template;

import java.util.regex.Pattern;

/**
 * Adapts Jinja2 template text to what Jinjava parses identically:
 * <ul>
 *   <li>line breaks normalised to {@code \n} and exactly one trailing newline dropped (Jinja2's
 *       {@code keep_trailing_newline=False}; Jinjava keeps it);</li>
 *   <li>inside string literals of {@code {{ }}} and {@code {% %}}, a backslash-newline is a line
 *       continuation in Python (both characters vanish); Jinjava's lexer rejects it.</li>
 * </ul>
 */
final class Jinja2Source {
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    private Jinja2Source() {}

    static String prepare(String source) {
        String s = LINE_BREAK.matcher(source).replaceAll("\n");
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        return joinContinuationLines(s);
    }

    private static String joinContinuationLines(String s) {
        if (s.indexOf("\\\n") < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int open = nextTagOpening(s, i);
            if (open < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, open);
            if (s.charAt(open + 1) == '#') {
                int end = s.indexOf("#}", open + 2);
                int stop = end < 0 ? s.length() : end + 2;
                out.append(s, open, stop);
                i = stop;
            } else {
                i = copyTag(s, open, s.charAt(open + 1) == '{' ? "}}" : "%}", out);
            }
        }
        return out.toString();
    }

    private static int nextTagOpening(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /** Copies a tag from {@code open} to its closing delimiter, dropping backslash-newlines in strings. */
    private static int copyTag(String s, int open, String close, StringBuilder out) {
        out.append(s, open, open + 2);
        int i = open + 2;
        char quote = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < s.length()) {
                    if (s.charAt(i + 1) != '\n') out.append(c).append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (s.startsWith(close, i)) {
                out.append(close);
                return i + close.length();
            }
            out.append(c);
            i++;
        }
        return i;
    }
}
