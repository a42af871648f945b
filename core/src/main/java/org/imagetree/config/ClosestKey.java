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
