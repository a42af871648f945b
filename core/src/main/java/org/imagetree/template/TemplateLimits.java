package org.imagetree.template;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bounds of what a template may build: a rendered template and any string it makes are at most
 * {@link #MAX_CHARS} characters, a list or mapping at most {@link #MAX_ITEMS} items. Amplifying operations
 * ({@code repeat}, {@code center}, {@code indent}, {@code format}, {@code replace}, ...) are checked
 * <em>before</em> they run, from their arguments, so that nothing large is ever allocated; every other string
 * result is checked after. Stateless.
 */
final class TemplateLimits {
    /** 1 MiB: the real production templates render to a few KiB. */
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_ITEMS = 10_000;

    /** A width or precision in a printf-style format: {@code %08d}, {@code %1$100s}, {@code %.5f}. */
    private static final Pattern FORMAT_NUMBER = Pattern.compile("%(?:\\d+\\$)?[-#+ 0,(<]*(\\d*)(?:\\.(\\d+))?");

    private TemplateLimits() {}

    /** Thrown when a template would build something over the limits. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded(String what, long size) {
            super(what + " would build a string of " + (size >= Long.MAX_VALUE / 2 ? "unbounded" : String.valueOf(size))
                    + " characters, over the limit of " + MAX_CHARS, null, false, false);
        }

        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    /** Before a Java method runs on a template value ({@code registry.repeat(3)}). */
    static void beforeMethod(Object base, String method, Object[] params) {
        if (!(base instanceof CharSequence s)) return;
        long len = s.length();
        Object[] p = params == null ? new Object[0] : params;
        long size = switch (method) {
            case "repeat" -> p.length == 1 ? times(len, number(p[0])) : 0;
            case "concat" -> p.length == 1 ? len + length(p[0]) : 0;
            case "indent" -> p.length == 1 ? len + times(lines(s), Math.max(0, number(p[0]))) : 0;
            case "replace" -> p.length == 2 ? replaced(len, length(p[0]), length(p[1]), 0) : 0;
            case "replaceAll", "replaceFirst" -> p.length == 2 ? replaced(len, 0, length(p[1]), dollars(p[1])) : 0;
            case "formatted", "format" -> formatted(s, len, p);
            default -> 0;
        };
        if (size > MAX_CHARS) throw new Exceeded("'" + method + "'", size);
    }

    /** Before a filter runs: {@code center}, {@code indent}, {@code format}, {@code replace}, {@code regex_replace}, {@code batch}, {@code slice}. */
    static void beforeFilter(String filter, Object var, Object[] args) {
        Object[] a = args == null ? new Object[0] : args;
        long len = var instanceof CharSequence s ? s.length() : String.valueOf(var).length();
        long size = switch (filter) {
            case "center" -> a.length >= 1 ? number(a[0]) : 0;
            case "indent" -> len + times(lines(String.valueOf(var)), a.length >= 1 ? Math.max(0, number(a[0])) : 4);
            case "format" -> formatted(String.valueOf(var), len, a);
            case "replace" -> a.length >= 2 ? replaced(len, length(a[0]), length(a[1]), 0) : 0;
            case "regex_replace" -> a.length >= 2 ? replaced(len, 0, length(a[1]), dollars(a[1])) : 0;
            default -> 0;
        };
        if (size > MAX_CHARS) throw new Exceeded("filter '" + filter + "'", size);
        if ((filter.equals("batch") || filter.equals("slice")) && a.length >= 1 && number(a[0]) > MAX_ITEMS) {
            throw new Exceeded("filter '" + filter + "' would build " + number(a[0]) + " items, over the limit of " + MAX_ITEMS);
        }
    }

    /** After anything a template calls: a string result over the limit fails the render. */
    static Object after(String what, Object result) {
        if (result instanceof CharSequence s && s.length() > MAX_CHARS) throw new Exceeded(what, s.length());
        if (result instanceof Collection<?> c && c.size() > MAX_ITEMS) {
            throw new Exceeded(what + " built " + c.size() + " items, over the limit of " + MAX_ITEMS);
        }
        return result;
    }

    /** Length of the result of replacing every match (at most one per position) of a {@code target}-long text by {@code replacement}. */
    private static long replaced(long len, long target, long replacement, long groupRefs) {
        long matches = target == 0 ? len + 1 : len / target;
        return len + times(matches, replacement + times(groupRefs, len));
    }

    private static long formatted(CharSequence format, long len, Object[] args) {
        long size = len;
        Matcher m = FORMAT_NUMBER.matcher(format);
        while (m.find()) {
            for (int g = 1; g <= 2; g++) {
                String digits = m.group(g);
                if (digits != null && !digits.isEmpty()) {
                    size += digits.length() > 9 ? Long.MAX_VALUE / 2 : Long.parseLong(digits);
                    if (size > MAX_CHARS) return size;
                }
            }
        }
        for (Object a : args) size += length(a);
        return size;
    }

    private static long lines(CharSequence s) {
        long n = 1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private static long dollars(Object replacement) {
        String r = String.valueOf(replacement);
        long n = 0;
        for (int i = 0; i < r.length(); i++) if (r.charAt(i) == '$' || r.charAt(i) == '\\') n++;
        return n;
    }

    private static long length(Object o) {
        return o == null ? 0 : String.valueOf(o).length();
    }

    private static long number(Object o) {
        if (o instanceof Number n) return n.longValue();
        try {
            return o == null ? 0 : Long.parseLong(o.toString().strip());
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(o.toString().strip());
            } catch (NumberFormatException e2) {
                return 0;
            }
        }
    }

    private static long times(long a, long b) {
        if (a <= 0 || b <= 0) return 0;
        return a > (Long.MAX_VALUE / 2) / b ? Long.MAX_VALUE / 2 : a * b;
    }
}
