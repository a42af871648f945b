package org.imagetree.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code FROM} instructions of a (rendered) Dockerfile the way BuildKit's front end does, far
 * enough to know which images a build pulls: parser directives ({@code # escape=`}), comments, line
 * continuations, case-insensitive keywords, {@code --platform=} flags, {@code AS name} aliases, and global
 * {@code ARG NAME=default} before the first {@code FROM} substituted into {@code $NAME} / {@code ${NAME}}
 * (also {@code ${NAME:-word}} and {@code ${NAME:+word}}).
 *
 * <p>Stateless; every method is thread-safe.
 */
public final class Dockerfiles {
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([A-Za-z]+)\\s*=\\s*(\\S+)\\s*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private static final Pattern HEREDOC = Pattern.compile("<<(-)?([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");
    private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("RUN", "COPY", "ADD");

    private Dockerfiles() {}

    /** What a {@code FROM} refers to. */
    public enum Kind {
        /** An image pulled from a registry. */
        IMAGE,
        /** {@code FROM scratch}: no image at all. */
        SCRATCH,
        /** The name of an earlier build stage ({@code FROM build}, after {@code FROM … AS build}). */
        STAGE
    }

    /**
     * One {@code FROM} instruction.
     *
     * @param line          1-based line on which the instruction starts
     * @param rawImage      the image argument as written, before ARG substitution
     * @param resolvedImage the image argument after substituting global ARGs; equals {@code rawImage} when
     *                      it has no variables; with {@code unresolvedArg} the unresolved variables are kept
     * @param stageName     the {@code AS} alias, or null
     * @param kind          image, scratch, or reference to an earlier stage
     * @param unresolvedArg whether a variable had no value (an ARG without default, or no ARG at all)
     */
    public record FromInstruction(int line, String rawImage, String resolvedImage, String stageName, Kind kind,
                                  boolean unresolvedArg) {
        public FromInstruction {
            Objects.requireNonNull(rawImage, "rawImage");
            Objects.requireNonNull(resolvedImage, "resolvedImage");
            Objects.requireNonNull(kind, "kind");
        }

        /** Whether this FROM pulls an image (neither scratch nor a stage). */
        public boolean pullsImage() { return kind == Kind.IMAGE; }
    }

    /**
     * The {@code FROM} instructions of a Dockerfile, in order.
     *
     * @throws IllegalArgumentException on a {@code FROM} without an image argument (message starts with the line)
     */
    public static List<FromInstruction> froms(String dockerfile) {
        Objects.requireNonNull(dockerfile, "dockerfile");
        List<LogicalLine> lines = logicalLines(dockerfile);
        Map<String, String> globalArgs = new HashMap<>();
        Set<String> stages = new HashSet<>();
        List<FromInstruction> out = new ArrayList<>();
        for (LogicalLine l : lines) {
            String text = l.text().trim();
            String keyword = keyword(text);
            // Only ARG (before the first FROM) and FROM lines are split into words: RUN lines are most of the text.
            boolean arg = keyword.equals("ARG") && out.isEmpty();
            if (!arg && !keyword.equals("FROM")) continue;
            String[] words = text.split("\\s+");
            if (arg) {
                for (int i = 1; i < words.length; i++) {
                    String w = words[i];
                    int eq = w.indexOf('=');
                    // An ARG without a default has no value unless passed with --build-arg: leave it unresolved.
                    if (eq > 0) globalArgs.put(w.substring(0, eq), unquote(substitute(w.substring(eq + 1), globalArgs).value()));
                }
            } else if (keyword.equals("FROM")) {
                out.add(from(l.line(), words, globalArgs, stages));
            }
        }
        return List.copyOf(out);
    }

    private static FromInstruction from(int line, String[] words, Map<String, String> args, Set<String> stages) {
        int i = 1;
        while (i < words.length && words[i].startsWith("--")) i++;
        if (i >= words.length) throw new IllegalArgumentException("line " + line + ": FROM without an image");
        String raw = words[i];
        String stage = null;
        if (i + 2 < words.length && words[i + 1].equalsIgnoreCase("AS")) stage = words[i + 2];
        Substitution s = substitute(raw, args);
        String resolved = s.value();
        Kind kind;
        if (!s.unresolved() && resolved.equalsIgnoreCase("scratch")) kind = Kind.SCRATCH;
        else if (!s.unresolved() && stages.contains(resolved.toLowerCase(Locale.ROOT))) kind = Kind.STAGE;
        else kind = Kind.IMAGE;
        if (stage != null) stages.add(stage.toLowerCase(Locale.ROOT));
        return new FromInstruction(line, raw, resolved, stage, kind, s.unresolved());
    }

    private record Substitution(String value, boolean unresolved) {}

    private static Substitution substitute(String text, Map<String, String> args) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        boolean unresolved = false;
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4);
            String value = args.get(name);
            String op = m.group(2);
            String replacement;
            if (":-".equals(op)) {
                replacement = value == null || value.isEmpty() ? m.group(3) : value;
            } else if (":+".equals(op)) {
                replacement = value == null || value.isEmpty() ? "" : m.group(3);
            } else if (value != null) {
                replacement = value;
            } else {
                unresolved = true;
                replacement = m.group();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return new Substitution(sb.toString(), unresolved);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private record LogicalLine(int line, String text) {}

    /**
     * Joins continuation lines and drops comments and parser directives. Comment lines inside a continued
     * instruction are skipped, as BuildKit does; an empty line does not end a continuation either.
     */
    /**
     * Skips the bodies of heredocs ({@code RUN <<EOF}, {@code COPY <<-"EOT" /f}) opened by an instruction, so
     * their lines are not read as instructions. {@code <<} inside quotes opens nothing, and a heredoc whose
     * delimiter never comes skips nothing: a policy check must not lose a later {@code FROM}.
     *
     * @return the index of the last physical line consumed
     */
    private static int skipHeredocs(String instruction, String[] physical, int index) {
        if (!instruction.contains("<<")) return index;
        String keyword = keyword(instruction.strip());
        if (!HEREDOC_INSTRUCTIONS.contains(keyword)) return index;
        int i = index;
        for (Matcher m : unquotedHeredocs(instruction)) {
            boolean stripTabs = m.group(1) != null;
            String delimiter = m.group(3);
            int end = i + 1;
            while (end < physical.length && !(stripTabs ? physical[end].replaceFirst("^\t+", "") : physical[end]).equals(delimiter)) end++;
            if (end >= physical.length) return index;
            i = end;
        }
        return i;
    }

    /** Heredoc openers outside single and double quotes, in order. */
    private static List<Matcher> unquotedHeredocs(String instruction) {
        List<Matcher> out = new ArrayList<>();
        char quote = 0;
        for (int p = 0; p < instruction.length(); p++) {
            char c = instruction.charAt(p);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"') p++;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '\\') {
                p++;
            } else if (c == '<' && instruction.startsWith("<<", p)) {
                Matcher m = HEREDOC.matcher(instruction).region(p, instruction.length());
                if (m.lookingAt()) {
                    out.add(m);
                    p = m.end() - 1;
                } else {
                    p++;
                }
            }
        }
        return out;
    }

    /** The instruction keyword of a trimmed line, upper case: what comes before its first whitespace. */
    private static String keyword(String trimmed) {
        int end = 0;
        while (end < trimmed.length() && !isRegexSpace(trimmed.charAt(end))) end++;
        return trimmed.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /** The characters {@code \s} matches. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** {@code dockerfile.split("\\r?\\n", -1)} without a regular expression (this runs for every rendering). */
    private static String[] physicalLines(String dockerfile) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int nl = dockerfile.indexOf('\n'); nl >= 0; nl = dockerfile.indexOf('\n', from)) {
            int end = nl > from && dockerfile.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            out.add(dockerfile.substring(from, end));
            from = nl + 1;
        }
        out.add(dockerfile.substring(from));
        return out.toArray(String[]::new);
    }

    private static List<LogicalLine> logicalLines(String dockerfile) {
        String[] physical = physicalLines(dockerfile);
        char escape = '\\';
        boolean directivesAllowed = true;
        List<LogicalLine> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        for (int index = 0; index < physical.length; index++) {
            String raw = physical[index];
            String trimmed = raw.strip();
            if (directivesAllowed) {
                Matcher d = DIRECTIVE.matcher(trimmed);
                if (d.matches()) {
                    if (d.group(1).equalsIgnoreCase("escape") && d.group(2).length() == 1) escape = d.group(2).charAt(0);
                    continue;
                }
                directivesAllowed = false;
            }
            if (trimmed.startsWith("#")) continue;
            if (current == null) {
                if (trimmed.isEmpty()) continue;
                current = new StringBuilder();
                start = index + 1;
            } else if (trimmed.isEmpty()) {
                continue;
            }
            String body = raw.stripTrailing();
            if (!body.isEmpty() && body.charAt(body.length() - 1) == escape) {
                current.append(body, 0, body.length() - 1).append(' ');
            } else {
                current.append(body);
                out.add(new LogicalLine(start, current.toString()));
                index = skipHeredocs(current.toString(), physical, index);
                current = null;
            }
        }
        if (current != null) out.add(new LogicalLine(start, current.toString()));
        return out;
    }
}
