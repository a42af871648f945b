package org.imagetree.blubber.compile;

import java.util.List;
import java.util.stream.Collectors;

/** Go's strconv.Quote (for ENV/ARG/LABEL/RUN arguments) and JSON arrays (COPY, ENTRYPOINT). */
public final class Quoting {
    private Quoting() {}

    public static String go(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case 11 -> b.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) b.append(String.format("\\x%02x", cp));
                    else if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
                        b.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    } else b.appendCodePoint(cp);
                }
            }
        });
        return b.append('"').toString();
    }

    public static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** {@code ["a", "b"]} */
    public static String jsonArray(List<String> items) {
        return items.stream().map(Quoting::json).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Each argument Go-quoted, space separated. */
    public static String args(List<String> args) {
        return args.stream().map(Quoting::go).collect(Collectors.joining(" "));
    }
}
