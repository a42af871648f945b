package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.imagetree.InputError;

/**
 * A {@code .dockerignore} with Docker's semantics: lines read as {@code moby/patternmatcher/ignorefile.ReadAll}
 * (BOM, {@code #} comments at column 0, whitespace trimmed, {@code !} exceptions, patterns cleaned like Go's
 * {@code filepath.Clean}, leading {@code /} dropped) and matched as {@code PatternMatcher.MatchesOrParentMatches}
 * ({@code *}, {@code ?}, {@code [...]}, {@code \} escapes, {@code **} for any number of directories, the last
 * matching pattern wins, a pattern matching a directory matches everything under it).
 *
 * <p>Build-context rule not applied here: Docker always sends {@code Dockerfile} and {@code .dockerignore}.
 */
public final class DockerIgnore {
    public static final String FILE_NAME = ".dockerignore";
    private static final DockerIgnore EMPTY = new DockerIgnore(List.of());

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** One cleaned pattern. */
    public record Rule(String pattern, boolean exception, int line, Matcher matcher) {}

    /** Ignores nothing. */
    public static DockerIgnore empty() {
        return EMPTY;
    }

    /** The {@code .dockerignore} of {@code contextDir}, or {@link #empty()} when there is none. */
    public static DockerIgnore forContext(Path contextDir) {
        Path file = contextDir.resolve(FILE_NAME);
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses {@code text}; {@code source} names the file in errors (may be null). */
    public static DockerIgnore parse(Path source, String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.startsWith("#")) continue;
            String pattern = goTrimSpace(line);
            if (pattern.isEmpty()) continue;
            boolean exception = pattern.charAt(0) == '!';
            if (exception) pattern = goTrimSpace(pattern.substring(1));
            if (!pattern.isEmpty()) {
                pattern = cleanPath(pattern);
                if (pattern.length() > 1 && pattern.charAt(0) == '/') pattern = pattern.substring(1);
            }
            Rule rule = newRule(source, i + 1, exception ? "!" + pattern : pattern);
            if (rule != null) rules.add(rule);
        }
        return new DockerIgnore(rules);
    }

    /** Patterns as given to {@code patternmatcher.New} (a leading {@code !} marks an exception). */
    public static DockerIgnore of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            Rule rule = newRule(null, i + 1, patterns.get(i));
            if (rule != null) rules.add(rule);
        }
        return new DockerIgnore(rules);
    }

    /** {@code patternmatcher.New} for one pattern: trim, clean, split off "!", check syntax; null if empty. */
    private static Rule newRule(Path source, int line, String raw) {
        String p = goTrimSpace(raw);
        if (p.isEmpty()) return null;
        p = cleanPath(p);
        boolean exception = p.charAt(0) == '!';
        if (exception) {
            if (p.length() == 1) throw new InputError(source, line, "illegal exclusion pattern: \"!\"");
            p = p.substring(1);
        }
        String syntax = Matcher.syntaxError(p);
        if (syntax != null) throw new InputError(source, line, "invalid pattern '" + p + "': " + syntax);
        return new Rule(p, exception, line, Matcher.compile(p));
    }

    public List<Rule> rules() {
        return rules;
    }

    /** True if any rule is an exception ({@code !pattern}). */
    public boolean hasExceptions() {
        return rules.stream().anyMatch(Rule::exception);
    }

    /**
     * Whether {@code relativePath} (slash-separated, relative to the context) is left out of the build context:
     * {@code MatchesOrParentMatches}. The context root itself ({@code "."}) is never excluded.
     */
    public boolean excluded(String relativePath) {
        String file = cleanPath(relativePath);
        if (file.equals(".")) return false;
        int slash = file.lastIndexOf('/');
        String parent = slash < 0 ? "." : (slash == 0 ? "/" : file.substring(0, slash));
        String[] parentDirs = parent.split("/", -1);
        boolean matched = false;
        for (Rule rule : rules) {
            if (rule.exception() != matched) continue;
            boolean match = rule.matcher().matches(file);
            if (!match && !parent.equals(".")) {
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < parentDirs.length && !match; i++) {
                    if (i > 0) prefix.append('/');
                    prefix.append(parentDirs[i]);
                    match = rule.matcher().matches(prefix.toString());
                }
            }
            if (match) matched = !rule.exception();
        }
        return matched;
    }

    /**
     * Whether something under the excluded directory {@code relativeDir} could still be re-included by an
     * exception, so a walk must descend into it; false means the whole directory can be skipped. Conservative:
     * an exception containing {@code **} always answers true.
     */
    public boolean mayReincludeUnder(String relativeDir) {
        String dir = cleanPath(relativeDir);
        if (dir.equals(".")) return true;
        String[] dirParts = dir.split("/");
        for (Rule rule : rules) {
            if (rule.exception() && couldMatchInside(rule.pattern().split("/"), dirParts)) return true;
        }
        return false;
    }

    private static boolean couldMatchInside(String[] patternParts, String[] dirParts) {
        for (int i = 0; i < patternParts.length; i++) {
            if (patternParts[i].contains("**")) return true;
            if (i >= dirParts.length) return true; // the pattern continues below the directory
            if (!Matcher.compile(patternParts[i]).matches(dirParts[i])) return false;
        }
        return true; // the exception matches the directory or one of its parents
    }

    /** Go's {@code strings.TrimSpace}: Unicode white space at both ends. */
    static String goTrimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isGoSpace(s.charAt(start))) start++;
        while (end > start && isGoSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean isGoSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '\u0085'
                || c == '\u00A0' || Character.isSpaceChar(c);
    }

    /** Go's {@code path/filepath.Clean} for slash-separated paths. */
    static String cleanPath(String path) {
        if (path.isEmpty()) return ".";
        boolean rooted = path.charAt(0) == '/';
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(part);
        }
        String joined = String.join("/", out);
        if (rooted) return "/" + joined;
        return joined.isEmpty() ? "." : joined;
    }

    /** One compiled pattern: moby's exact / prefix / suffix / regexp match types. */
    public static final class Matcher {
        private enum Type { EXACT, PREFIX, SUFFIX, REGEXP }

        private final String pattern;
        private final Type type;
        private final Pattern regexp;

        private Matcher(String pattern, Type type, Pattern regexp) {
            this.pattern = pattern;
            this.type = type;
            this.regexp = regexp;
        }

        /** Translates a cleaned pattern exactly as {@code Pattern.compile} in moby/patternmatcher. */
        static Matcher compile(String pattern) {
            StringBuilder re = new StringBuilder("^");
            Type type = Type.EXACT;
            int[] cps = pattern.codePoints().toArray();
            for (int i = 0, n = 0; i < cps.length; n++) {
                int ch = cps[i++];
                if (ch == '*') {
                    if (i < cps.length && cps[i] == '*') {
                        i++;
                        if (i < cps.length && cps[i] == '/') i++;
                        if (i >= cps.length) {
                            if (type == Type.EXACT) {
                                type = Type.PREFIX;
                            } else {
                                re.append(".*");
                                type = Type.REGEXP;
                            }
                        } else {
                            re.append("(.*/)?");
                            type = Type.REGEXP;
                        }
                        if (n == 0) type = Type.SUFFIX;
                    } else {
                        re.append("[^/]*");
                        type = Type.REGEXP;
                    }
                } else if (ch == '?') {
                    re.append("[^/]");
                    type = Type.REGEXP;
                } else if (".+()|{}$".indexOf(ch) >= 0) {
                    re.append('\\').appendCodePoint(ch);
                } else if (ch == '\\') {
                    if (i < cps.length) {
                        re.append('\\').appendCodePoint(cps[i++]);
                        type = Type.REGEXP;
                    } else {
                        re.append('\\');
                    }
                } else if (ch == '[' || ch == ']') {
                    re.appendCodePoint(ch);
                    type = Type.REGEXP;
                } else {
                    re.appendCodePoint(ch);
                }
            }
            Pattern compiled = null;
            if (type == Type.REGEXP) {
                re.append('$');
                try {
                    compiled = Pattern.compile(goRegexToJava(re.toString()));
                } catch (PatternSyntaxException e) {
                    compiled = null; // moby: ErrBadPattern at match time, i.e. never matches
                }
            }
            return new Matcher(pattern, type, compiled);
        }

        boolean matches(String path) {
            switch (type) {
                case EXACT:
                    return path.equals(pattern);
                case PREFIX:
                    return path.startsWith(pattern.substring(0, pattern.length() - 2));
                case SUFFIX: {
                    String suffix = pattern.substring(2);
                    if (path.endsWith(suffix)) return true;
                    return !suffix.isEmpty() && suffix.charAt(0) == '/' && path.equals(suffix.substring(1));
                }
                default:
                    return regexp != null && regexp.matcher(path).matches();
            }
        }

        /** Inside a character class Go's RE2 takes {@code [} and {@code &} literally, Java does not. */
        private static String goRegexToJava(String re) {
            StringBuilder out = new StringBuilder();
            boolean inClass = false;
            for (int i = 0; i < re.length(); i++) {
                char c = re.charAt(i);
                if (c == '\\' && i + 1 < re.length()) {
                    out.append(c).append(re.charAt(++i));
                } else if (!inClass && c == '[') {
                    inClass = true;
                    out.append(c);
                    if (i + 1 < re.length() && re.charAt(i + 1) == '^') out.append(re.charAt(++i));
                    if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
                        out.append("\\]");
                        i++;
                    }
                } else if (inClass && c == ']') {
                    inClass = false;
                    out.append(c);
                } else if (inClass && (c == '[' || c == '&')) {
                    out.append('\\').append(c);
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        /** The error Go's {@code filepath.Match(pattern, ".")} reports, or null if the pattern is well formed. */
        static String syntaxError(String pattern) {
            int i = 0;
            int n = pattern.length();
            while (i < n) {
                char c = pattern.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= n) return "trailing backslash";
                    i += 2;
                } else if (c == '[') {
                    i++;
                    if (i < n && pattern.charAt(i) == '^') i++;
                    int ranges = 0;
                    while (true) {
                        if (i < n && pattern.charAt(i) == ']' && ranges > 0) {
                            i++;
                            break;
                        }
                        int lo = classChar(pattern, i);
                        if (lo < 0) return "malformed character class";
                        i = lo;
                        if (pattern.charAt(i) == '-') {
                            int hi = classChar(pattern, i + 1);
                            if (hi < 0) return "malformed character class";
                            i = hi;
                        }
                        ranges++;
                    }
                } else {
                    i++;
                }
            }
            return null;
        }

        /** Go's {@code getEsc}: index after one class character, or -1; fails if nothing follows it. */
        private static int classChar(String p, int i) {
            if (i >= p.length() || p.charAt(i) == '-' || p.charAt(i) == ']') return -1;
            if (p.charAt(i) == '\\') {
                i++;
                if (i >= p.length()) return -1;
            }
            i += Character.charCount(p.codePointAt(i));
            return i >= p.length() ? -1 : i;
        }
    }

    @Override
    public String toString() {
        return "DockerIgnore" + Arrays.toString(rules.stream()
                .map(r -> (r.exception() ? "!" : "") + r.pattern()).toArray());
    }
}
