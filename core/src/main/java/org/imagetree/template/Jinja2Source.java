package org.imagetree.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adapts Jinja2 template text to what Jinjava parses identically:
 * <ul>
 *   <li>line breaks normalised to {@code \n} and exactly one trailing newline dropped (Jinja2's
 *       {@code keep_trailing_newline=False}; Jinjava keeps it);</li>
 *   <li>inside string literals of {@code {{ }}} and {@code {% %}}, a backslash-newline is a line
 *       continuation in Python (both characters vanish); Jinjava's lexer rejects it;</li>
 *   <li>the whitespace control of comments ({@code {#- ... -#}}) is applied here: Jinjava 2.8 makes no node of a
 *       comment, so its {@code -#}} trims nothing when the comment opens the template (a template starting with
 *       {@code {#- note -#}} rendered with a leading blank line) and a {@code {#-} that trimmed the text before it
 *       also trims the text after it. Jinja2 strips the whitespace before {@code {#-} and after {@code -#}},
 *       newlines included. The stripped newlines move into the comment, so line numbers in errors stay the
 *       template's.</li>
 * </ul>
 * Nothing inside {@code {% raw %}...{% endraw %}} is changed.
 */
final class Jinja2Source {
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");
    private static final Pattern RAW = Pattern.compile("\\{%[-+]?\\s*raw\\s*[-+]?%}");
    private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

    private Jinja2Source() {}

    static String prepare(String source) {
        String s = LINE_BREAK.matcher(source).replaceAll("\n");
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        return rewrite(s);
    }

    private static String rewrite(String s) {
        if (s.indexOf("\\\n") < 0 && s.indexOf("{#") < 0) return s;
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
                i = copyComment(s, open, out);
            } else if (s.charAt(open + 1) == '%' && lookingAt(RAW, s, open)) {
                Matcher end = END_RAW.matcher(s);
                int stop = end.find(open) ? end.end() : s.length();
                out.append(s, open, stop);
                i = stop;
            } else {
                i = copyTag(s, open, s.charAt(open + 1) == '{' ? "}}" : "%}", out);
            }
        }
        return out.toString();
    }

    private static boolean lookingAt(Pattern p, String s, int at) {
        Matcher m = p.matcher(s);
        m.region(at, s.length());
        return m.lookingAt();
    }

    private static int nextTagOpening(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /**
     * Copies the comment at {@code open} without its whitespace control: the whitespace it trims is removed here
     * (before it from {@code out}, after it from the source), and the newlines among it go inside the comment.
     */
    private static int copyComment(String s, int open, StringBuilder out) {
        int end = s.indexOf("#}", open + 2);
        if (end < 0) { // unclosed: Jinjava reports it
            out.append(s, open, s.length());
            return s.length();
        }
        boolean trimLeft = open + 2 < s.length() && s.charAt(open + 2) == '-';
        boolean trimRight = end > open + 2 && s.charAt(end - 1) == '-' && (end - 1 > open + 2 || !trimLeft);
        StringBuilder newlines = new StringBuilder();
        if (trimLeft) {
            int keep = out.length();
            while (keep > 0 && Character.isWhitespace(out.charAt(keep - 1))) keep--;
            appendNewlines(out, keep, out.length(), newlines);
            out.setLength(keep);
        }
        int stop = end + 2;
        appendNewlines(s, open, stop, newlines);
        if (trimRight) {
            int after = stop;
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) after++;
            appendNewlines(s, stop, after, newlines);
            stop = after;
        }
        out.append("{#").append(newlines).append("#}");
        return stop;
    }

    private static void appendNewlines(CharSequence s, int from, int to, StringBuilder into) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') into.append('\n');
        }
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
