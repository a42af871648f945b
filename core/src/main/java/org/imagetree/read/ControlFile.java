package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imagetree.InputError;

/**
 * A deb822 file ({@code control}): paragraphs separated by blank lines, {@code Field: value} lines, continuation
 * lines starting with a space or tab, {@code #} comment lines; field names are case-insensitive.
 * Unlike python-debian (which silently drops lines it does not understand) malformed lines are errors.
 *
 * @param file       the file read, for messages
 * @param paragraphs paragraphs in file order, none empty
 */
public record ControlFile(Path file, List<Paragraph> paragraphs) {
    /** Fields whose values are image dependencies, in the order docker-pkg reads them within a paragraph. */
    public static final List<String> DEPENDENCY_FIELDS = List.of("Build-Depends", "Depends");

    private static final Pattern FIELD = Pattern.compile("^([^: \\t\\n\\r\\f\\u000B]+)[ \\t]*:[ \\t]*(.*?)\\s*$");
    /** docker-pkg: {@code re.split(r"\s*,[\s\n]*", value)}. */
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Pattern DEPENDENCY = Pattern.compile(
            "^(?<name>[^\\s(|\\[<>,]+)"
                    + "(?:\\s*\\(\\s*(?:<<|<=|>=|>>|=|<|>)?\\s*[^\\s()]+\\s*\\))?" // version constraint
                    + "(?:\\s*\\[[^\\]]*\\])?" // architecture restriction
                    + "(?:\\s*<[^>]*>)*$"); // build profiles

    public ControlFile {
        paragraphs = List.copyOf(paragraphs);
    }

    /** One field; {@code value} joins the first line's text and the continuation lines with {@code \n}. */
    public record Field(String name, int line, List<ValueLine> valueLines) {
        public Field {
            valueLines = List.copyOf(valueLines);
        }

        public String value() {
            return String.join("\n", valueLines.stream().map(ValueLine::text).toList());
        }
    }

    /** A piece of a field value and the 1-based line it is on (text stripped of surrounding whitespace). */
    public record ValueLine(int line, String text) {}

    /** One paragraph; fields in file order, names unique ignoring case. */
    public record Paragraph(List<Field> fields) {
        public Paragraph {
            fields = List.copyOf(fields);
        }

        public Optional<Field> field(String name) {
            return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
        }
    }

    /** Parses {@code file}; a missing file, bad encoding or malformed line is an {@link InputError}. */
    public static ControlFile read(Path file) {
        List<String> lines;
        try {
            lines = List.of(StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString().split("\\R", -1));
        } catch (NoSuchFileException e) {
            throw new InputError(file, 0, "control file not found");
        } catch (CharacterCodingException e) {
            throw new InputError(file, 0, "control file is not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(file, lines);
    }

    static ControlFile parse(Path file, List<String> lines) {
        List<Paragraph> paragraphs = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        String name = null;
        int fieldLine = 0;
        List<ValueLine> value = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.startsWith("#")) continue;
            if (line.isBlank()) {
                if (name != null) fields.add(new Field(name, fieldLine, value));
                name = null;
                if (!fields.isEmpty()) paragraphs.add(new Paragraph(fields));
                fields = new ArrayList<>();
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (name == null) throw new InputError(file, lineNo, "continuation line before the first field: " + line.strip());
                value.add(new ValueLine(lineNo, line.strip()));
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (!m.matches()) throw new InputError(file, lineNo, "malformed line (expected 'Field: value'): " + line.strip());
            if (name != null) fields.add(new Field(name, fieldLine, value));
            name = m.group(1);
            fieldLine = lineNo;
            value = new ArrayList<>();
            value.add(new ValueLine(lineNo, m.group(2)));
            for (Field f : fields) {
                if (f.name().equalsIgnoreCase(name)) {
                    throw new InputError(file, lineNo, "duplicate field " + name + " (also on line " + f.line() + ")");
                }
            }
        }
        if (name != null) fields.add(new Field(name, fieldLine, value));
        if (!fields.isEmpty()) paragraphs.add(new Paragraph(fields));
        return new ControlFile(file, paragraphs);
    }

    /**
     * Image dependencies as docker-pkg reads them: for every paragraph {@code Build-Depends} then {@code Depends},
     * split on commas, trimmed, empty entries and duplicates removed; version constraints such as
     * {@code foo (>= 1.0)} are dropped (docker-pkg does not support versions), alternatives {@code a | b} are an error.
     */
    public static List<String> dependencies(Path control) {
        return read(control).dependencies();
    }

    /** See {@link #dependencies(Path)}. */
    public List<String> dependencies() {
        Set<String> names = new LinkedHashSet<>();
        for (Paragraph p : paragraphs) {
            for (String fieldName : DEPENDENCY_FIELDS) {
                p.field(fieldName).ifPresent(f -> names.addAll(split(f)));
            }
        }
        return List.copyOf(names);
    }

    private List<String> split(Field field) {
        List<String> names = new ArrayList<>();
        // entries may continue on the next line; split the joined value and map offsets back to lines
        StringBuilder joined = new StringBuilder();
        List<int[]> starts = new ArrayList<>(); // {offset, line}
        for (ValueLine v : field.valueLines()) {
            if (joined.length() > 0) joined.append('\n');
            starts.add(new int[] {joined.length(), v.line()});
            joined.append(v.text());
        }
        Matcher comma = COMMA.matcher(joined);
        int from = 0;
        while (true) {
            boolean found = comma.find();
            int to = found ? comma.start() : joined.length();
            String raw = joined.substring(from, to);
            String entry = raw.strip();
            if (!entry.isEmpty()) {
                int offset = from + raw.indexOf(entry.charAt(0));
                names.add(dependencyName(field, entry, lineAt(starts, offset)));
            }
            if (!found) break;
            from = comma.end();
        }
        return names;
    }

    private String dependencyName(Field field, String entry, int line) {
        if (entry.contains("|")) {
            throw new InputError(file, line, "alternatives are not supported in " + field.name() + ": " + entry);
        }
        Matcher m = DEPENDENCY.matcher(entry);
        if (!m.matches()) throw new InputError(file, line, "invalid dependency in " + field.name() + ": " + entry);
        return m.group("name");
    }

    private static int lineAt(List<int[]> starts, int offset) {
        int line = starts.get(0)[1];
        for (int[] s : starts) {
            if (s[0] <= offset) line = s[1];
        }
        return line;
    }
}
