package org.imagetree.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * dpkg's database of installed packages: {@code var/lib/dpkg/status} (stanzas of {@code Field: value}, separated by
 * blank lines) or, in distroless-style images, one stanza per file under {@code var/lib/dpkg/status.d/}. Only packages
 * whose {@code Status} says {@code installed} count (a stanza without {@code Status}, as status.d holds, counts).
 */
final class DpkgStatus {
    private DpkgStatus() {}

    /** Package name → installed version, for one file of stanzas; added to {@code into}. */
    static void parse(String text, Map<String, String> into) {
        String name = null;
        String version = null;
        String status = null;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (name != null && version != null && (status == null || status.endsWith(" installed"))) into.put(name, version);
                name = version = status = null;
                continue;
            }
            if (line.startsWith(" ") || line.startsWith("\t")) continue; // continuation of a multi-line field
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String field = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (field.equalsIgnoreCase("Package")) name = value;
            else if (field.equalsIgnoreCase("Version")) version = value;
            else if (field.equalsIgnoreCase("Status")) status = value;
        }
    }

    static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        parse(text, m);
        return m;
    }

    /** {@code KEY=value} lines of os-release, quotes removed. */
    static Map<String, String> osRelease(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) v = v.substring(1, v.length() - 1);
            m.put(line.substring(0, eq).strip(), v);
        }
        return m;
    }
}
