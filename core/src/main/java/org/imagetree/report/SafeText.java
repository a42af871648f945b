package org.imagetree.report;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Text that came from outside the project — an image's files and labels, a registry's answers, a pod list — made safe
 * to print: control characters (C0 but, in {@link #escapeLines}, newline and tab; DEL; C1, whose CSI {@code U+009B}
 * some terminals act on), the line and paragraph separators and the bidirectional overrides that reorder what a reader
 * sees are written as a backslash, {@code x} and two hex digits (or {@code u} and four). An escape sequence in a
 * {@code Version:} field then shows as text instead of moving the cursor or recolouring the report; a newline in a value
 * cannot start a forged line.
 */
public final class SafeText {
    private SafeText() {}

    /** One value on one line: every control character escaped, newlines and tabs included. */
    public static String escape(String s) {
        return escape(s, false);
    }

    /** Text of several lines (messages, reports): as {@link #escape}, but newlines and tabs stay. */
    public static String escapeLines(String s) {
        return escape(s, true);
    }

    /** Whether {@code c} is written escaped. */
    public static boolean unsafe(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x061c || c == 0x200e || c == 0x200f;
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && !needs(s.charAt(i), keepLines)) i++;
        if (i == s.length()) return s;
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needs(c, keepLines)) b.append(c);
            else if (c <= 0xff) b.append(String.format("\\x%02x", (int) c));
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    private static boolean needs(char c, boolean keepLines) {
        if (keepLines && (c == '\n' || c == '\t')) return false;
        return unsafe(c);
    }

    /**
     * {@code mapper} with JSON escapes for what JSON itself leaves raw: DEL, C1 controls, the separators and bidi
     * overrides (JSON escapes C0 already). Returns {@code mapper}.
     */
    public static ObjectMapper json(ObjectMapper mapper) {
        mapper.getFactory().setCharacterEscapes(JsonEscapes.INSTANCE);
        return mapper;
    }

    private static final class JsonEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        static final JsonEscapes INSTANCE = new JsonEscapes();
        private final int[] ascii;

        private JsonEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() { return ascii; }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return unsafe(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
