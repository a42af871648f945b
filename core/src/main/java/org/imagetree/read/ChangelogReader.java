package org.imagetree.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imagetree.InputError;

/**
 * Reads Debian changelogs the way python-debian's {@code Changelog} does (header and trailer regexes copied
 * from {@code debian/changelog.py}), but reports malformed input as {@link InputError} instead of warning.
 *
 * <p>{@link #newest(Path)} stops after the first entry, so it costs the same for a changelog of 2 or 200 entries.
 */
public final class ChangelogReader {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;
    /** python-debian {@code topline}; matched at the start of the line only (Python {@code re.match}). */
    static final Pattern TOPLINE = Pattern.compile(
            "^(\\w[-+0-9a-z.]*) \\(([^\\(\\) \\t]+)\\)((\\s+[-+0-9a-z.]+)+)\\;", FLAGS);
    private static final Pattern BLANK = Pattern.compile("^\\s*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern CHANGE = Pattern.compile("^\\s\\s+.*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ENDLINE = Pattern.compile(
            "^ -- (.*) <(.*)>(  ?)((\\w+\\,\\s*)?\\d{1,2}\\s+\\w+\\s+\\d{4}\\s+\\d{1,2}:\\d\\d:\\d\\d\\s+[-+]\\d{4}\\s*)$",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ENDLINE_START = Pattern.compile("^ --(\\s|$)");
    private static final Pattern KEY_VALUE = Pattern.compile("^([-0-9a-z]+)=\\s*(.*\\S)$", FLAGS);
    private static final Pattern URGENCY_VALUE = Pattern.compile("^([-0-9a-z]+)((\\s+.*)?)$", FLAGS | Pattern.DOTALL);
    /** python-debian's comment forms skipped before and between entries: CVS keywords, "# ", C comments. */
    private static final Pattern COMMENT = Pattern.compile("^(\\$\\w+:.*\\$|# |/\\*.*\\*/)");
    /** python-debian {@code BaseVersion.re_valid_version}. */
    private static final Pattern VALID_VERSION = Pattern.compile(
            "^((?<epoch>\\d+):)?(?<upstream>[A-Za-z0-9.+:~-]+?)(-(?<revision>[A-Za-z0-9+.~]+))?$");

    private ChangelogReader() {}

    /** The first (newest) entry; reads no further than that entry's trailer line. */
    public static ChangelogEntry newest(Path changelog) {
        List<ChangelogEntry> entries = read(changelog, 1, false);
        if (entries.isEmpty()) throw new InputError(changelog, 0, "changelog has no entry");
        return entries.get(0);
    }

    /** Every entry, newest first; each must have a well-formed trailer. */
    public static List<ChangelogEntry> readAll(Path changelog) {
        List<ChangelogEntry> entries = read(changelog, Integer.MAX_VALUE, true);
        if (entries.isEmpty()) throw new InputError(changelog, 0, "changelog has no entry");
        return List.copyOf(entries);
    }

    /** 0-based index of the first header line in {@code lines}, or -1; the lines before it are blank or comments. */
    static int firstHeaderIndex(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (TOPLINE.matcher(lines.get(i)).lookingAt()) return i;
        }
        return -1;
    }

    private static List<ChangelogEntry> read(Path file, int maxEntries, boolean strict) {
        List<ChangelogEntry> entries = new ArrayList<>();
        try (BufferedReader in = newReader(file)) {
            Header header = null;
            List<String> changes = new ArrayList<>();
            int lineNo = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (header == null) {
                    if (entries.size() >= maxEntries) break;
                    if (BLANK.matcher(line).matches() || COMMENT.matcher(line).lookingAt()) continue;
                    if (!entries.isEmpty() && isEditorFooter(line)) break; // python-debian slurps the rest
                    header = parseHeader(file, lineNo, line);
                    changes.clear();
                    continue;
                }
                if (TOPLINE.matcher(line).lookingAt() && !strict) {
                    // lenient: an entry without trailer; python-debian would swallow the next header as text
                    entries.add(header.entry(changes, "", ""));
                    header = null;
                    if (entries.size() >= maxEntries) break;
                    header = parseHeader(file, lineNo, line);
                    changes.clear();
                    continue;
                }
                Matcher end = ENDLINE.matcher(line);
                if (end.matches()) {
                    entries.add(header.entry(changes, end.group(1) + " <" + end.group(2) + ">", end.group(4)));
                    header = null;
                } else if (ENDLINE_START.matcher(line).lookingAt()) {
                    if (strict) throw new InputError(file, lineNo, "invalid changelog trailer: " + line.strip()
                            + " (expected ' -- Name <email>  Day, DD Mon YYYY HH:MM:SS +ZZZZ')");
                    entries.add(header.entry(changes, "", ""));
                    header = null;
                } else if (CHANGE.matcher(line).matches() || BLANK.matcher(line).matches()
                        || COMMENT.matcher(line).lookingAt()) {
                    changes.add(line);
                } else if (strict) {
                    throw new InputError(file, lineNo, TOPLINE.matcher(line).lookingAt()
                            ? "changelog entry of line " + header.line + " has no trailer line before the next entry"
                            : "unexpected line in changelog entry (change lines start with two spaces): " + line.strip());
                } else {
                    changes.add(line);
                }
            }
            if (header != null) {
                if (strict) throw new InputError(file, lineNo, "changelog entry of line " + header.line
                        + " has no trailer line ' -- Name <email>  date'");
                entries.add(header.entry(changes, "", ""));
            }
        } catch (NoSuchFileException e) {
            throw new InputError(file, 0, "changelog not found");
        } catch (CharacterCodingException e) {
            throw new InputError(file, 0, "changelog is not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return entries;
    }

    private static BufferedReader newReader(Path file) throws IOException {
        // strict decoder: malformed bytes are an error, as python-debian's utf-8 decode is
        return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()));
    }

    private static boolean isEditorFooter(String line) {
        String l = line.toLowerCase(java.util.Locale.ROOT);
        return l.matches("^(;;\\s*)?local variables:.*") || l.startsWith("vim:");
    }

    static Header parseHeader(Path file, int lineNo, String line) {
        Matcher m = TOPLINE.matcher(line);
        if (!m.lookingAt()) {
            throw new InputError(file, lineNo, "invalid changelog header: " + line.strip()
                    + " (expected 'name (version) distribution; urgency=...')");
        }
        String version = m.group(2);
        Matcher v = VALID_VERSION.matcher(version);
        if (!v.matches() || (v.group("epoch") == null && v.group("upstream").contains(":"))) {
            throw new InputError(file, lineNo, "invalid version '" + version + "' in changelog header");
        }
        String urgency = "unknown";
        String pairs = line.substring(line.indexOf(';') + 1);
        for (String pair : pairs.split(",", -1)) {
            Matcher kv = KEY_VALUE.matcher(pair.strip());
            if (kv.matches() && kv.group(1).equalsIgnoreCase("urgency")) {
                Matcher u = URGENCY_VALUE.matcher(kv.group(2));
                if (u.matches()) urgency = u.group(1);
            }
        }
        return new Header(m.group(1), version, m.group(3).stripLeading(), urgency, lineNo);
    }

    record Header(String name, String version, String distributions, String urgency, int line) {
        ChangelogEntry entry(List<String> changes, String author, String date) {
            return new ChangelogEntry(name, version, distributions, urgency, String.join("\n", changes),
                    author, date, line);
        }
    }
}
