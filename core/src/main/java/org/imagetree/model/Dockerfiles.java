package org.imagetree.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Dockerfile parser that follows BuildKit's front end (frontend/dockerfile/parser) far enough to know every
 * image a build may pull:
 * <ul>
 *   <li>parser directives at the top ({@code # syntax=}, {@code # escape=}, {@code # check=}; a shebang line, the
 *       {@code //} form and a JSON document's {@code "syntax"} key for the frontend image, as BuildKit detects it);</li>
 *   <li>comments, line continuations with the escape character (also before trailing blanks), comment and empty
 *       lines inside a continuation, case-insensitive keywords;</li>
 *   <li>builder flags ({@code --from=…}, {@code --mount=…}, {@code --platform=…}) split as BuildKit splits them, with
 *       quotes and backslashes, before the arguments (plain or JSON form);</li>
 *   <li>heredocs ({@code RUN <<EOF}, {@code COPY <<-"EOT" /f}, also after {@code ONBUILD}, not in JSON form);</li>
 *   <li>{@code ONBUILD} triggers, parsed as instructions of their own;</li>
 *   <li>{@code ARG NAME=default} substituted into {@code $NAME} / {@code ${NAME}} / {@code ${NAME:-word}} /
 *       {@code ${NAME:+word}}: global ARGs (before the first {@code FROM}) in {@code FROM}, the stage's ARGs
 *       (its own, and global ones it declares again) in {@code --from} and {@code --mount}.</li>
 * </ul>
 *
 * <p>Stateless; every method is thread-safe.
 */
public final class Dockerfiles {
    private static final Pattern DIRECTIVE = Pattern.compile("([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*");
    private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    /** A heredoc word as BuildKit matches it: optional file descriptor, {@code <<}, optional {@code -}, quoted or not. */
    private static final Pattern HEREDOC = Pattern.compile("(\\d*)<<(-?)\\s*([\"']?)([a-zA-Z][a-zA-Z0-9]*)\\3");
    private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("RUN", "COPY", "ADD");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private Dockerfiles() {}

    // ------------------------------------------------------------------ parse

    /** A parser directive of the file's head ({@code name} lower case). */
    public record Directive(int line, String name, String value) {}

    /**
     * One instruction.
     *
     * @param line      1-based line on which it starts
     * @param keyword   upper case ({@code FROM}, {@code COPY}, {@code ONBUILD}, …)
     * @param flags     the builder flags as BuildKit splits them, without the leading {@code --} ({@code from=x})
     * @param arguments the rest of the instruction, trimmed
     * @param json      whether the arguments are a JSON array
     * @param trigger   for {@code ONBUILD}, the instruction it registers; else null
     */
    public record Instruction(int line, String keyword, List<String> flags, String arguments, boolean json, Instruction trigger) {
        public Instruction {
            Objects.requireNonNull(keyword, "keyword");
            flags = List.copyOf(flags);
            Objects.requireNonNull(arguments, "arguments");
        }

        /** The values of flag {@code name} (case-insensitive), in order; a flag without {@code =} gives "". */
        public List<String> flag(String name) {
            List<String> out = new ArrayList<>();
            for (String f : flags) {
                int eq = f.indexOf('=');
                String n = eq < 0 ? f : f.substring(0, eq);
                if (n.equalsIgnoreCase(name)) out.add(eq < 0 ? "" : f.substring(eq + 1));
            }
            return out;
        }
    }

    /** A parsed Dockerfile: its head's directives, the escape character in force and the instructions in order. */
    public record Parsed(List<Directive> directives, char escape, List<Instruction> instructions) {
        public Parsed {
            directives = List.copyOf(directives);
            instructions = List.copyOf(instructions);
        }
    }

    /** Parses {@code dockerfile} as BuildKit does (heredoc bodies are not instructions). Never fails. */
    public static Parsed parse(String dockerfile) {
        return parse(dockerfile, true);
    }

    private static Parsed parse(String dockerfile, boolean heredocs) {
        Objects.requireNonNull(dockerfile, "dockerfile");
        String text = dockerfile.startsWith("\uFEFF") ? dockerfile.substring(1) : dockerfile;
        String[] physical = text.split("\\r?\\n", -1);
        List<Directive> directives = new ArrayList<>();
        char escape = '\\';
        int index = 0;
        Set<String> seen = new HashSet<>();
        for (; index < physical.length; index++) {
            String trimmed = physical[index].strip();
            if (!trimmed.startsWith("#")) break;
            Matcher d = DIRECTIVE.matcher(trimmed.substring(1).stripLeading());
            if (!d.matches()) break;
            String name = d.group(1).toLowerCase(Locale.ROOT);
            if (!KNOWN_DIRECTIVES.contains(name) || !seen.add(name)) break;
            directives.add(new Directive(index + 1, name, d.group(2)));
            if (name.equals("escape") && (d.group(2).equals("`") || d.group(2).equals("\\"))) escape = d.group(2).charAt(0);
        }
        List<Instruction> out = new ArrayList<>();
        for (; index < physical.length; index++) {
            String first = physical[index].stripLeading();
            if (first.isEmpty() || first.startsWith("#")) continue;
            int start = index + 1;
            StringBuilder line = new StringBuilder();
            boolean end = appendLine(line, first, escape);
            while (!end && index + 1 < physical.length) {
                String next = physical[++index];
                String lead = next.stripLeading();
                if (lead.startsWith("#") || lead.isEmpty()) continue;
                end = appendLine(line, next, escape);
            }
            Instruction instruction = instruction(start, line.toString());
            if (instruction == null) continue;
            out.add(instruction);
            if (heredocs) index = skipHeredocs(instruction, physical, index);
        }
        return new Parsed(directives, escape, out);
    }

    /** Appends a physical line without its continuation character; true when the instruction ends here. */
    private static boolean appendLine(StringBuilder to, String physical, char escape) {
        String body = physical.stripTrailing();
        if (!body.isEmpty() && body.charAt(body.length() - 1) == escape) {
            to.append(body, 0, body.length() - 1);
            return false;
        }
        to.append(physical);
        return true;
    }

    private static Instruction instruction(int line, String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) return null;
        String[] cmd = trimmed.split("\\s+", 2);
        String keyword = cmd[0].toUpperCase(Locale.ROOT);
        String rest = cmd.length > 1 ? cmd[1] : "";
        if (keyword.equals("ONBUILD")) {
            Instruction trigger = instruction(line, rest);
            return new Instruction(line, keyword, List.of(), rest.strip(), false, trigger);
        }
        List<String> flags = new ArrayList<>();
        String args = extractFlags(rest, flags).strip();
        return new Instruction(line, keyword, flags, args, isJsonArray(args), null);
    }

    /**
     * BuildKit's {@code extractBuilderFlags}: leading words that start with {@code --} (unquoted) are flags; quotes
     * inside them are removed and a backslash takes the next character; a lone {@code --} ends the flags.
     *
     * @return the rest of the line
     */
    private static String extractFlags(String line, List<String> flags) {
        int pos = 0;
        int n = line.length();
        while (true) {
            while (pos < n && Character.isWhitespace(line.charAt(pos))) pos++;
            if (pos >= n) return "";
            if (!line.startsWith("--", pos)) return line.substring(pos);
            StringBuilder word = new StringBuilder();
            char quote = 0;
            boolean blankOk = false;
            for (; pos < n; pos++) {
                char c = line.charAt(pos);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else if (c == '\\' && pos + 1 < n) {
                        word.append(line.charAt(++pos));
                    } else if (c != '\\') {
                        word.append(c);
                    }
                    continue;
                }
                if (Character.isWhitespace(c)) break;
                if (c == '\'' || c == '"') {
                    quote = c;
                    blankOk = true;
                } else if (c == '\\') {
                    if (pos + 1 < n) word.append(line.charAt(++pos));
                } else {
                    word.append(c);
                }
            }
            if (word.toString().equals("--")) return pos >= n ? "" : line.substring(pos);
            if (blankOk || word.length() > 0) flags.add(word.substring(2));
        }
    }

    private static boolean isJsonArray(String args) {
        if (!args.startsWith("[") || !args.endsWith("]")) return false;
        try {
            Object v = JSON.readValue(args, Object.class);
            return v instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Skips the bodies of the heredocs an instruction opens, as BuildKit does: RUN, COPY and ADD (also as ONBUILD
     * triggers) not in JSON form, each heredoc word of the line ({@code <<EOF}, {@code <<-"EOT"}, {@code 3<<X}) in
     * turn. A heredoc whose delimiter never comes skips nothing: BuildKit refuses such a file, and a policy check must
     * not lose a later instruction.
     *
     * @return the index of the last physical line consumed
     */
    private static int skipHeredocs(Instruction instruction, String[] physical, int index) {
        Instruction target = instruction.trigger() != null ? instruction.trigger() : instruction;
        if (!HEREDOC_INSTRUCTIONS.contains(target.keyword()) || target.json() || !target.arguments().contains("<<")) return index;
        int i = index;
        for (String word : words(target.arguments())) {
            Matcher m = HEREDOC.matcher(word);
            if (!m.matches()) continue;
            boolean stripTabs = !m.group(2).isEmpty();
            String delimiter = m.group(4);
            int end = i + 1;
            while (end < physical.length && !(stripTabs ? physical[end].replaceFirst("^\t+", "") : physical[end]).equals(delimiter)) end++;
            if (end >= physical.length) return index;
            i = end;
        }
        return i;
    }

    /**
     * Shell-like words: blank separated, quotes kept as written (so a quoted {@code "<<X"} never matches a heredoc
     * word) but blanks inside quotes do not split, a backslash keeps the next character in the word.
     */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        for (int p = 0; p < text.length(); p++) {
            char c = text.charAt(p);
            if (quote != 0) {
                w.append(c);
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && p + 1 < text.length()) w.append(text.charAt(++p));
            } else if (Character.isWhitespace(c)) {
                if (w.length() > 0) out.add(w.toString());
                w.setLength(0);
            } else {
                if (c == '"' || c == '\'') {
                    // a quoted delimiter (<<"EOF") is part of a heredoc word; a word starting with a quote is not one
                    quote = c;
                } else if (c == '\\' && p + 1 < text.length()) {
                    w.append(c);
                    c = text.charAt(++p);
                }
                w.append(c);
            }
        }
        if (w.length() > 0) out.add(w.toString());
        return out;
    }

    // ------------------------------------------------------------------ FROM

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
        List<FromInstruction> out = new ArrayList<>();
        walk(parse(dockerfile, true), out, null, true);
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ every image a build may pull

    /** Where a build may pull an image. */
    public enum Source {
        FROM("FROM"), COPY_FROM("COPY --from"), ADD_FROM("ADD --from"), MOUNT_FROM("RUN --mount from="), SYNTAX("# syntax");

        private final String text;

        Source(String text) { this.text = text; }

        /** As written in a Dockerfile ({@code COPY --from}). */
        public String text() { return text; }
    }

    /**
     * One image a build may pull.
     *
     * @param line          1-based line of the instruction (or directive)
     * @param source        the instruction form that names it
     * @param onBuild       whether it is in an {@code ONBUILD} trigger (pulled when a child image is built)
     * @param rawImage      as written
     * @param resolvedImage after ARG substitution (unresolved variables kept, see {@code unresolvedArg})
     * @param unresolvedArg whether a variable had no value
     */
    public record ImageUse(int line, Source source, boolean onBuild, String rawImage, String resolvedImage, boolean unresolvedArg) {
        public ImageUse {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(rawImage, "rawImage");
            Objects.requireNonNull(resolvedImage, "resolvedImage");
        }

        /** {@code COPY --from}, {@code ONBUILD RUN --mount from=}, … */
        public String form() { return (onBuild ? "ONBUILD " : "") + source.text(); }
    }

    /**
     * Every image a build of {@code dockerfile} may pull, in line order: the {@code # syntax} frontend, every
     * {@code FROM} that names neither {@code scratch} nor an earlier stage, {@code COPY --from} / {@code ADD --from}
     * and {@code RUN --mount=…,from=} naming neither a stage defined so far (by name) nor a stage index, and the same
     * forms in {@code ONBUILD} triggers (where only an index is known not to be an image: the stages are those of a
     * later Dockerfile).
     *
     * <p>Heredoc bodies are not instructions to BuildKit; a builder that does not know heredocs (the classic builder,
     * old BuildKit) reads them as instructions but then fails on the delimiter line before it pulls anything. To stay
     * on the safe side whatever the builder, image-pulling instructions inside heredoc bodies are reported too.
     *
     * @throws IllegalArgumentException on a {@code FROM} without an image argument (message starts with the line)
     */
    public static List<ImageUse> pulledImages(String dockerfile) {
        Parsed parsed = parse(dockerfile, true);
        Set<ImageUse> out = new LinkedHashSet<>();
        syntax(dockerfile, parsed).ifPresent(out::add);
        walk(parsed, null, out, true);
        // The same file read without heredocs: only well-formed instructions count (a builder would reject the rest).
        walk(parse(dockerfile, false), null, out, false);
        List<ImageUse> sorted = new ArrayList<>(out);
        sorted.sort(java.util.Comparator.comparingInt(ImageUse::line));
        return List.copyOf(sorted);
    }

    /** The frontend image BuildKit would load: {@code # syntax=} (also after a shebang, or as {@code //}), or JSON {@code "syntax"}. */
    private static java.util.Optional<ImageUse> syntax(String dockerfile, Parsed parsed) {
        for (Directive d : parsed.directives()) {
            if (d.name().equals("syntax")) return java.util.Optional.of(syntaxUse(d.line(), d.value()));
        }
        String text = dockerfile.startsWith("\uFEFF") ? dockerfile.substring(1) : dockerfile;
        String[] lines = text.split("\\r?\\n", -1);
        int first = lines.length > 0 && lines[0].startsWith("#!") ? 1 : 0;
        for (String prefix : new String[] {"#", "//"}) {
            Set<String> seen = new HashSet<>();
            for (int i = first; i < lines.length; i++) {
                String l = lines[i].strip();
                if (!l.startsWith(prefix)) break;
                Matcher m = DIRECTIVE.matcher(l.substring(prefix.length()).stripLeading());
                if (!m.matches()) break;
                String name = m.group(1).toLowerCase(Locale.ROOT);
                if (!KNOWN_DIRECTIVES.contains(name) || !seen.add(name)) break;
                if (name.equals("syntax")) return java.util.Optional.of(syntaxUse(i + 1, m.group(2)));
            }
        }
        String t = text.strip();
        if (t.startsWith("{")) {
            try {
                Object v = JSON.readValue(t, Object.class);
                if (v instanceof Map<?, ?> m && m.get("syntax") instanceof String s) return java.util.Optional.of(syntaxUse(1, s));
            } catch (java.io.IOException e) {
                // not JSON: no such directive
            }
        }
        return java.util.Optional.empty();
    }

    private static ImageUse syntaxUse(int line, String value) {
        String image = value.strip().split("\\s+", 2)[0];
        return new ImageUse(line, Source.SYNTAX, false, image, image, false);
    }

    /**
     * Walks the instructions tracking stages and ARGs, adding FROMs to {@code froms} and image uses to {@code uses}
     * (either may be null). {@code strict}: a FROM without image is an error; otherwise malformed FROMs are skipped.
     */
    private static void walk(Parsed parsed, List<FromInstruction> froms, Set<ImageUse> uses, boolean strict) {
        Map<String, String> globalArgs = new HashMap<>();
        Map<String, String> stageArgs = new HashMap<>();
        Set<String> stages = new HashSet<>();
        int stageCount = 0;
        for (Instruction in : parsed.instructions()) {
            switch (in.keyword()) {
                case "ARG" -> {
                    Map<String, String> scope = stageCount == 0 ? globalArgs : stageArgs;
                    for (String w : in.arguments().split("\\s+")) {
                        if (w.isEmpty()) continue;
                        int eq = w.indexOf('=');
                        if (eq > 0) {
                            scope.put(w.substring(0, eq), unquote(substitute(w.substring(eq + 1), scope).value()));
                        } else if (stageCount > 0 && globalArgs.containsKey(w)) {
                            // An ARG without default inside a stage makes the global default visible there.
                            stageArgs.put(w, globalArgs.get(w));
                        }
                    }
                }
                case "FROM" -> {
                    FromInstruction f = from(in, globalArgs, stages, strict);
                    if (f == null) continue;
                    stageCount++;
                    stageArgs = new HashMap<>();
                    if (froms != null) froms.add(f);
                    if (uses != null && f.kind() == Kind.IMAGE) {
                        uses.add(new ImageUse(f.line(), Source.FROM, false, f.rawImage(), f.resolvedImage(), f.unresolvedArg()));
                    }
                }
                default -> {
                    if (uses == null) continue;
                    if (in.trigger() != null) {
                        stepUses(in.trigger(), stageArgs, null, true, uses);
                    } else {
                        stepUses(in, stageArgs, stages, false, uses);
                    }
                }
            }
        }
    }

    /** {@code COPY --from}, {@code ADD --from} and {@code RUN --mount …from=} of one instruction. */
    private static void stepUses(Instruction in, Map<String, String> args, Set<String> stages, boolean onBuild, Set<ImageUse> uses) {
        switch (in.keyword()) {
            case "COPY", "ADD" -> {
                Source source = in.keyword().equals("COPY") ? Source.COPY_FROM : Source.ADD_FROM;
                for (String v : in.flag("from")) addUse(in.line(), source, onBuild, v, args, stages, uses);
            }
            case "RUN" -> {
                for (String mount : in.flag("mount")) {
                    for (String field : csvFields(mount)) {
                        int eq = field.indexOf('=');
                        if (eq > 0 && field.substring(0, eq).strip().equalsIgnoreCase("from")) {
                            addUse(in.line(), Source.MOUNT_FROM, onBuild, field.substring(eq + 1), args, stages, uses);
                        }
                    }
                }
            }
            default -> { }
        }
    }

    private static void addUse(int line, Source source, boolean onBuild, String raw, Map<String, String> args, Set<String> stages,
                               Set<ImageUse> uses) {
        Substitution s = substitute(raw, args);
        String value = s.value();
        if (!s.unresolved()) {
            if (NUMBER.matcher(value).matches()) return; // a stage index, never an image
            if (stages != null && stages.contains(value.toLowerCase(Locale.ROOT))) return;
        }
        uses.add(new ImageUse(line, source, onBuild, raw, value, s.unresolved()));
    }

    /** A mount's comma separated fields as Go's encoding/csv reads them (double quotes around a field). */
    private static List<String> csvFields(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean atStart = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < value.length() && value.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
                atStart = true;
                continue;
            } else if (c == '"' && atStart) {
                quoted = true;
            } else {
                f.append(c);
            }
            atStart = false;
        }
        out.add(f.toString());
        return out;
    }

    private static FromInstruction from(Instruction in, Map<String, String> args, Set<String> stages, boolean strict) {
        String[] words = in.arguments().isEmpty() ? new String[0] : in.arguments().split("\\s+");
        if (words.length == 0) {
            if (strict) throw new IllegalArgumentException("line " + in.line() + ": FROM without an image");
            return null;
        }
        if (!strict && !(words.length == 1 || words.length == 3 && words[1].equalsIgnoreCase("AS"))) return null;
        String raw = words[0];
        String stage = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        Substitution s = substitute(raw, args);
        String resolved = s.value();
        Kind kind;
        if (!s.unresolved() && resolved.equalsIgnoreCase("scratch")) kind = Kind.SCRATCH;
        else if (!s.unresolved() && stages.contains(resolved.toLowerCase(Locale.ROOT))) kind = Kind.STAGE;
        else kind = Kind.IMAGE;
        if (stage != null) stages.add(stage.toLowerCase(Locale.ROOT));
        return new FromInstruction(in.line(), raw, resolved, stage, kind, s.unresolved());
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
}
