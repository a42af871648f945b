package org.imagetree.config;

import java.util.Collection;
import java.util.Comparator;

/** The known key nearest to a mistyped one, for "unknown key 'x' (did you mean 'y'?)". Stateless. */
public final class ClosestKey {
    private ClosestKey() {}

    /** The candidate nearest to {@code key} by edit distance (ties: alphabetical); {@code known} must not be empty. */
    public static String closest(String key, Collection<String> known) {
        return known.stream().sorted()
                .min(Comparator.comparingInt(k -> editDistance(key, k)))
                .orElseThrow(() -> new IllegalArgumentException("no known keys"));
    }

    /**
     * Whether {@code candidate} is near enough to {@code key} to be offered as what was meant: case aside, one edit for
     * short names, two for names of seven letters or more.
     */
    public static boolean isClose(String key, String candidate) {
        String a = key.toLowerCase(java.util.Locale.ROOT);
        String b = candidate.toLowerCase(java.util.Locale.ROOT);
        return editDistance(a, b) <= (a.length() >= 7 ? 2 : 1);
    }

    /** Levenshtein distance. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
