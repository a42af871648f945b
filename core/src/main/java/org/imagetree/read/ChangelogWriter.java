package org.imagetree.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.imagetree.InputError;

/**
 * Writes changelog entries byte-for-byte as docker-pkg's {@code update} does with python-debian:
 * {@code new_block(...)}, {@code add_change('')}, {@code add_change('   ' + line)} per reason line,
 * {@code add_change('')}, then {@code str(changelog)}.
 */
public final class ChangelogWriter {
    /** {@code email.utils.formatdate}: "Fri, 07 Aug 2026 06:00:23 +0000" (English names, zero-padded day). */
    private static final DateTimeFormatter RFC2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.ROOT);
    /**
     * docker-pkg's {@code update} trailer: {@code time.strftime("%a, %e %b %Y %H:%M:%S %z")}, the day padded with a
     * space ("Thu,  3 Dec 2026 23:37:54 +0000").
     */
    private static final DateTimeFormatter STRFTIME_E =
            DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx", Locale.ROOT);
    private static final Pattern BLANK = Pattern.compile("^\\s*$", Pattern.UNICODE_CHARACTER_CLASS);

    private ChangelogWriter() {}

    /**
     * One entry as docker-pkg's {@code update} writes it, ending with its trailer line and a newline (no separating
     * blank line: {@link #prepend} adds it when the changelog already has entries, as python-debian's
     * {@code new_block} does). The trailer date is docker-pkg's {@code %e} format ({@link #formatUpdateDate}).
     *
     * @param reasonLines the reason split on {@code \n}; each becomes a change line indented by 3 spaces
     * @throws InputError if name, version or distribution would not form a valid changelog header
     */
    public static String newBlock(String pkg, String version, String distribution, String urgency, String author,
                                  ZonedDateTime date, List<String> reasonLines) {
        return block(pkg, version, distribution, urgency, author, formatUpdateDate(date),
                reasonLines.stream().map(line -> "   " + line).toList());
    }

    /**
     * One entry whose change lines are written as given (already indented), e.g. {@code dch}'s
     * {@code "  * Weekly rebuild."}; a blank line before and after, as {@link #newBlock}.
     */
    public static String newBlockWithChanges(String pkg, String version, String distribution, String urgency, String author,
                                             ZonedDateTime date, List<String> changeLines) {
        return block(pkg, version, distribution, urgency, author, formatDate(date), changeLines);
    }

    private static String block(String pkg, String version, String distribution, String urgency, String author,
                                String date, List<String> changeLines) {
        List<String> changes = new ArrayList<>();
        addChange(changes, "");
        for (String line : changeLines) addChange(changes, line);
        addChange(changes, "");
        String header = pkg + " (" + version + ") " + distribution + "; urgency=" + urgency;
        ChangelogReader.parseHeader(null, 0, header); // never write an entry the reader would reject
        StringBuilder b = new StringBuilder(header).append('\n');
        for (String change : changes) b.append(change).append('\n');
        b.append(" -- ").append(author).append("  ").append(date).append('\n');
        return b.toString();
    }

    /** The trailer date as {@code email.utils.formatdate(localtime=True)} writes it for {@code date}'s offset. */
    public static String formatDate(ZonedDateTime date) {
        return RFC2822.format(date);
    }

    /** The trailer date as docker-pkg's {@code update} writes it: {@code %e}, the day padded with a space. */
    public static String formatUpdateDate(ZonedDateTime date) {
        return STRFTIME_E.format(date);
    }

    /**
     * Writes {@code block} before the first entry of {@code changelog} (after any leading blank or comment lines,
     * where python-debian keeps them), separated by one blank line; the existing text is kept as is, with a final
     * newline added if missing. Atomic: a temporary file in the same directory is moved over the changelog.
     */
    public static void prepend(Path changelog, String block) {
        String existing;
        try {
            existing = Files.readString(changelog, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputError(changelog, 0, "changelog not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + changelog, e);
        }
        if (ChangelogReader.firstHeaderIndex(lines(existing)) < 0) {
            // python-debian cannot format such a file either ("Package not specified")
            throw new InputError(changelog, 0, "changelog has no entry");
        }
        writeAtomically(changelog, merge(existing, block));
    }

    private static List<String> lines(String text) {
        List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
        return !lines.isEmpty() && text.endsWith("\n") ? lines.subList(0, lines.size() - 1) : lines;
    }

    static String merge(String existing, String block) {
        List<String> lines = lines(existing);
        int first = ChangelogReader.firstHeaderIndex(lines);
        StringBuilder out = new StringBuilder();
        int headerAt = first < 0 ? lines.size() : first;
        for (int i = 0; i < headerAt; i++) out.append(lines.get(i)).append('\n');
        out.append(block);
        if (first >= 0) {
            out.append('\n');
            for (int i = first; i < lines.size(); i++) out.append(lines.get(i)).append('\n');
        }
        return out.toString();
    }

    /** python-debian {@code ChangeBlock.add_change}: insert after the last non-blank line, else append. */
    static void addChange(List<String> changes, String change) {
        if (changes.isEmpty()) {
            changes.add(change);
            return;
        }
        Collections.reverse(changes);
        boolean added = false;
        for (int i = 0; i < changes.size(); i++) {
            if (!BLANK.matcher(changes.get(i)).matches()) {
                changes.add(i, change);
                added = true;
                break;
            }
        }
        Collections.reverse(changes);
        if (!added) changes.add(change);
    }

    private static void writeAtomically(Path target, String content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            } catch (UnsupportedOperationException e) {
                // non-POSIX file system: keep the default mode
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort cleanup of our own temp file
                }
            }
        }
    }

}
