package org.imagetree.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235): a scheme ({@code bearer} or {@code basic}, lower case) and its
 * parameters ({@code realm}, {@code service}, {@code scope}, …).
 */
record AuthChallenge(String scheme, Map<String, String> params) {
    AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    boolean isBearer() { return scheme.equals("bearer"); }

    boolean isBasic() { return scheme.equals("basic"); }

    String param(String name) { return params.get(name); }

    /** The first Bearer challenge among the header values, else the first Basic one. */
    static Optional<AuthChallenge> select(List<String> headerValues) {
        AuthChallenge basic = null;
        for (String value : headerValues) {
            for (AuthChallenge c : parse(value)) {
                if (c.isBearer()) return Optional.of(c);
                if (c.isBasic() && basic == null) basic = c;
            }
        }
        return Optional.ofNullable(basic);
    }

    /** Parses a header value that may hold several challenges ({@code Basic realm="a", Bearer realm="b",service="c"}). */
    static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> out = new java.util.ArrayList<>();
        Lexer lx = new Lexer(header);
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (lx.skipSpacesAndCommas()) {
            String token = lx.token();
            if (token.isEmpty()) { lx.pos++; continue; }
            lx.skipSpaces();
            if (scheme != null && lx.peek() == '=') {
                lx.pos++;
                lx.skipSpaces();
                params.put(token.toLowerCase(Locale.ROOT), lx.peek() == '"' ? lx.quoted() : lx.token());
            } else {
                if (scheme != null) out.add(new AuthChallenge(scheme, params));
                scheme = token;
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) out.add(new AuthChallenge(scheme, params));
        return out;
    }

    private static final class Lexer {
        final String s;
        int pos;

        Lexer(String s) { this.s = s == null ? "" : s; }

        char peek() { return pos < s.length() ? s.charAt(pos) : 0; }

        void skipSpaces() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

        boolean skipSpacesAndCommas() {
            while (pos < s.length() && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) pos++;
            return pos < s.length();
        }

        String token() {
            int start = pos;
            while (pos < s.length() && "=,\" \t".indexOf(s.charAt(pos)) < 0) pos++;
            return s.substring(start, pos);
        }

        String quoted() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                sb.append(c);
            }
            pos++;
            return sb.toString();
        }
    }
}
