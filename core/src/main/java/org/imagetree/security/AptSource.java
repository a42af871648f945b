package org.imagetree.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One APT source in one-line form, {@code deb [signed-by=KEYRING] URL SUITE COMPONENT…}: where a Debian archive's
 * {@code Packages} indexes are and which keyring signs its {@code InRelease}. {@code signed-by} is required (a scan
 * never trusts an unsigned index). The suite may contain {@value #SUITE_PLACEHOLDER}, replaced by each image's suite
 * ({@code {suite}-security}); without it a source applies to the images whose suite (codename) is the source's suite
 * up to its first {@code -} ({@code bookworm-updates} applies to {@code bookworm}). Immutable.
 */
public record AptSource(String url, String suite, List<String> components, Path keyring) {
    public static final String SUITE_PLACEHOLDER = "{suite}";
    /** The Debian archive keyring, as Debian ships it in {@code debian-archive-keyring}. */
    public static final Path DEBIAN_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    public AptSource {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(keyring, "keyring");
        components = List.copyOf(components);
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
    }

    /** The defaults for an image of {@code suite}: the Debian mirror's SUITE and SUITE-updates, and the security archive. */
    public static List<AptSource> debianDefaults() {
        return List.of(
                new AptSource("https://deb.debian.org/debian", SUITE_PLACEHOLDER, List.of("main"), DEBIAN_KEYRING),
                new AptSource("https://deb.debian.org/debian", SUITE_PLACEHOLDER + "-updates", List.of("main"), DEBIAN_KEYRING),
                new AptSource("https://security.debian.org/debian-security", SUITE_PLACEHOLDER + "-security", List.of("main"), DEBIAN_KEYRING));
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the line
     */
    public static AptSource parse(String line) {
        String s = line.strip();
        if (!s.startsWith("deb ") && !s.startsWith("deb\t")) {
            throw new IllegalArgumentException("'" + line + "' is not a one-line APT source 'deb [signed-by=KEYRING] URL SUITE COMPONENT…'");
        }
        s = s.substring(4).strip();
        Path keyring = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) throw new IllegalArgumentException("'" + line + "': options '[' without ']'");
            for (String option : s.substring(1, end).strip().split("\\s+")) {
                if (option.isEmpty()) continue;
                int eq = option.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("'" + line + "': option '" + option + "' is not KEY=VALUE");
                String key = option.substring(0, eq);
                String value = option.substring(eq + 1);
                if (key.equals("signed-by")) {
                    if (!value.startsWith("/")) throw new IllegalArgumentException("'" + line + "': signed-by must be an absolute keyring path");
                    keyring = Path.of(value);
                }
                // arch=, lang=, trusted= … do not change what a scan reads (trusted=yes is not honoured: every index is verified)
            }
            s = s.substring(end + 1).strip();
        }
        List<String> words = new ArrayList<>(List.of(s.split("\\s+")));
        if (words.size() < 3 || words.get(0).isEmpty()) {
            throw new IllegalArgumentException("'" + line + "' needs a URL, a suite and at least one component");
        }
        String url = words.remove(0);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("'" + line + "': URL '" + url + "' must be http:// or https://");
        }
        String suite = words.remove(0);
        if (suite.endsWith("/")) throw new IllegalArgumentException("'" + line + "': flat repositories ('" + suite + "') are not supported");
        if (keyring == null) throw new IllegalArgumentException("'" + line + "' has no [signed-by=KEYRING]: its InRelease could not be verified");
        return new AptSource(url, suite, words, keyring);
    }

    /** Whether this source applies to images of {@code imageSuite} (a codename such as {@code bookworm}). */
    public boolean appliesTo(String imageSuite) {
        if (suite.contains(SUITE_PLACEHOLDER)) return true;
        int dash = suite.indexOf('-');
        return (dash < 0 ? suite : suite.substring(0, dash)).equals(imageSuite);
    }

    /** The suite for images of {@code imageSuite}. */
    public String suiteFor(String imageSuite) {
        return suite.replace(SUITE_PLACEHOLDER, imageSuite);
    }

    @Override
    public String toString() {
        return "deb [signed-by=" + keyring + "] " + url + " " + suite + " " + String.join(" ", components);
    }
}
