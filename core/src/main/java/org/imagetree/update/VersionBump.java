package org.imagetree.update;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-pkg's automatic versions for {@code update}: {@code 0.1.2 → 0.1.2-s1}, {@code 0.1.2-1-s8 → 0.1.2-1-s9};
 * with an empty identifier {@code 0.1.2-1 → 0.1.2-2}. Only digits, dots and dashes may precede the suffix.
 */
public final class VersionBump {
    private VersionBump() {}

    /**
     * @throws IllegalArgumentException naming the version when it cannot be bumped automatically
     */
    public static String next(String version, String identifier) {
        Pattern p = Pattern.compile("^([\\d\\-.]+?)(-" + Pattern.quote(identifier) + "(\\d+))?$");
        Matcher m = p.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("version '" + version + "' cannot be bumped automatically: only digits, dots and dashes may come before '-"
                    + identifier + "N'; give the new version with --version");
        }
        int n = m.group(3) == null ? 1 : Integer.parseInt(m.group(3)) + 1;
        return m.group(1) + "-" + identifier + n;
    }
}
