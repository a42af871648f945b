package org.imagetree.read;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Debian package version {@code [epoch:]upstream[-revision]}, parsed and ordered as dpkg does
 * ({@code verrevcmp}): non-digit runs compare character by character with {@code ~} before everything
 * (even the end of the string), letters before non-letters; digit runs compare numerically.
 *
 * <p>Like python-debian (and unlike dpkg's warning), an upstream part may start with a letter
 * ({@code v20220915-3}). The revision is everything after the last {@code -}. {@link #toString()} gives
 * back the original text. Immutable.
 */
public final class DebianVersion implements Comparable<DebianVersion> {
    private static final Pattern EPOCH = Pattern.compile("\\d+");
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~:\\-]*");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9.+~]*");

    private final String original;
    private final int epoch;
    private final String upstream;
    private final String revision;

    private DebianVersion(String original, int epoch, String upstream, String revision) {
        this.original = original;
        this.epoch = epoch;
        this.upstream = upstream;
        this.revision = revision;
    }

    /** @throws IllegalArgumentException when the text is not a valid Debian version */
    public static DebianVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        String s = text.strip();
        if (s.isEmpty()) throw invalid(text, "empty version");
        int epoch = 0;
        String rest = s;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String e = s.substring(0, colon);
            if (!EPOCH.matcher(e).matches()) throw invalid(text, "epoch must be a number");
            try {
                epoch = Integer.parseInt(e);
            } catch (NumberFormatException ex) {
                throw invalid(text, "epoch is too big");
            }
            rest = s.substring(colon + 1);
        }
        String upstream = rest;
        String revision = "";
        int dash = rest.lastIndexOf('-');
        if (dash >= 0) {
            upstream = rest.substring(0, dash);
            revision = rest.substring(dash + 1);
        }
        if (upstream.isEmpty()) throw invalid(text, "empty upstream version");
        if (!UPSTREAM.matcher(upstream).matches()) throw invalid(text, "invalid character in upstream version");
        if (colon < 0 && upstream.indexOf(':') >= 0) throw invalid(text, "a colon needs an epoch");
        if (!REVISION.matcher(revision).matches()) throw invalid(text, "invalid character in revision");
        return new DebianVersion(text, epoch, upstream, revision);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("Invalid Debian version '" + text + "': " + why);
    }

    /** The epoch, 0 when absent. */
    public int epoch() { return epoch; }

    /** The upstream version (between the epoch and the last {@code -}). */
    public String upstream() { return upstream; }

    /** The Debian revision (after the last {@code -}), "" when absent. */
    public String revision() { return revision; }

    @Override
    public int compareTo(DebianVersion other) {
        int c = Integer.compare(epoch, other.epoch);
        if (c != 0) return c;
        c = compareParts(upstream, other.upstream);
        if (c != 0) return c;
        return compareParts(revision, other.revision);
    }

    /** dpkg's {@code verrevcmp}. */
    static int compareParts(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int ac = i < a.length() ? order(a.charAt(i)) : 0;
                int bc = j < b.length() ? order(b.charAt(j)) : 0;
                if (ac != bc) return Integer.compare(ac, bc);
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') i++;
            while (j < b.length() && b.charAt(j) == '0') j++;
            while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDiff == 0) firstDiff = a.charAt(i) - b.charAt(j);
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) return 1;
            if (j < b.length() && isDigit(b.charAt(j))) return -1;
            if (firstDiff != 0) return Integer.signum(firstDiff);
        }
        return 0;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** dpkg's {@code order}: ~ first, then end of string/digits, then letters, then the rest. */
    private static int order(char c) {
        if (isDigit(c)) return 0;
        if (Character.isLetter(c) && c < 128) return c;
        if (c == '~') return -1;
        return c + 256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DebianVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        // Consistent with equals: versions equal under dpkg rules (e.g. "1.0" and "1.00") share a hash.
        return Objects.hash(epoch, normalize(upstream), normalize(revision));
    }

    /** Digit runs without leading zeros, zero-valued runs dropped: equal versions normalize equally. */
    private static String normalize(String s) {
        return DIGITS.matcher(s).replaceAll(m -> m.group().replaceFirst("^0+", ""));
    }

    @Override
    public String toString() { return original; }
}
