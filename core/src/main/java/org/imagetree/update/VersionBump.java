package org.imagetree.update;

import org.imagetree.read.DebianVersion;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Automatic versions for {@code update}. Where docker-pkg can bump a version ({@code image.py new_tag}: only digits,
 * dots and dashes before the suffix) the result is docker-pkg's, character for character: {@code 0.1.2 → 0.1.2-s1},
 * {@code 0.1.2-1-s8 → 0.1.2-1-s9}, with an empty identifier {@code 0.1.2-1 → 0.1.2-2}. Every other valid Debian
 * version (letters, {@code ~}, {@code +}, an epoch: {@code 2.1.2rocm5.6-3-20260816}, {@code 1:1.0}), where docker-pkg
 * stops with "Was not able to match version", gets the identifier suffix too: {@code -s1} appended, or its trailing
 * {@code -sN} counted up. Either way the result is checked to be strictly greater in Debian order
 * ({@code dpkg --compare-versions}).
 */
public final class VersionBump {
    private VersionBump() {}

    /**
     * @throws IllegalArgumentException when {@code version} is not a Debian version (the message says why)
     */
    public static String next(String version, String identifier) {
        DebianVersion old = DebianVersion.parse(version);
        String next = dockerPkg(version, identifier);
        if (next == null) next = suffixed(version, identifier);
        if (DebianVersion.parse(next).compareTo(old) <= 0) {
            // Cannot happen for a valid version (a '-' and an alphanumeric revision sort after what they extend);
            // kept as a guard so that a wrong bump never reaches a changelog.
            throw new IllegalArgumentException("version '" + version + "' cannot be bumped automatically ('" + next
                    + "' is not greater); give the new version with --version");
        }
        return next;
    }

    /** docker-pkg's {@code new_tag}, or null where docker-pkg raises "Was not able to match version". */
    static String dockerPkg(String version, String identifier) {
        Matcher m = Pattern.compile("^([\\d\\-.]+?)(-" + Pattern.quote(identifier) + "(\\d+))?$").matcher(version);
        if (!m.matches()) return null;
        int n = m.group(3) == null ? 1 : Integer.parseInt(m.group(3)) + 1;
        return m.group(1) + "-" + identifier + n;
    }

    /** Any other version: a trailing {@code -<identifier>N} counted up, else {@code -<identifier>1} appended. */
    private static String suffixed(String version, String identifier) {
        Matcher m = Pattern.compile("^(.+)-" + Pattern.quote(identifier) + "(\\d+)$").matcher(version);
        if (m.matches()) {
            return m.group(1) + "-" + identifier + new java.math.BigInteger(m.group(2)).add(java.math.BigInteger.ONE);
        }
        return version + "-" + identifier + "1";
    }
}
