package org.imagetree.read;

import java.util.Objects;

/**
 * One entry of a Debian changelog, as python-debian's {@code ChangeBlock} sees it.
 *
 * @param packageName   source package name from the header (the image name)
 * @param version       version as written between the parentheses
 * @param distributions distribution list after the version, leading whitespace removed
 * @param urgency       value of {@code urgency=} ("unknown" when absent)
 * @param changes       the lines between header and trailer, joined with {@code \n} (blank lines kept)
 * @param author        {@code "Name <email>"} from the trailer, empty when the entry has no trailer
 * @param date          date from the trailer as written, empty when the entry has no trailer
 * @param line          1-based line of the header
 */
public record ChangelogEntry(String packageName, String version, String distributions, String urgency,
                             String changes, String author, String date, int line) {
    public ChangelogEntry {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(distributions, "distributions");
        Objects.requireNonNull(urgency, "urgency");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(date, "date");
    }
}
