package org.imagetree.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * Maps lines of a rendered Dockerfile back to its template. Lines the rendering left unchanged are aligned by a longest
 * common subsequence; a rendered line between two such anchors is matched, among the template lines between the same
 * anchors, by its first word (the n-th {@code COPY} to the n-th {@code COPY}), else by position when both gaps have
 * as many lines. Anything else is unknown (0).
 */
final class TemplateLines {
    private TemplateLines() {}

    /** Rendered line (1-based) → template line, 0 when unknown. */
    static IntUnaryOperator mapping(String template, String rendered) {
        String[] t = template.split("\\r\\n|\\r|\\n", -1);
        String[] r = rendered.split("\\r\\n|\\r|\\n", -1);
        int[] anchor = align(t, r); // anchor[i] = template index of rendered index i, or -1
        return line -> {
            int i = line - 1;
            if (i < 0 || i >= r.length) return 0;
            if (anchor[i] >= 0) return anchor[i] + 1;
            int rs = i;
            while (rs > 0 && anchor[rs - 1] < 0) rs--;
            int re = i;
            while (re + 1 < r.length && anchor[re + 1] < 0) re++;
            int ts = rs == 0 ? 0 : anchor[rs - 1] + 1;
            int te = re + 1 >= r.length ? t.length - 1 : anchor[re + 1] - 1;
            String key = firstWord(r[i]);
            List<Integer> sameRendered = new ArrayList<>();
            for (int k = rs; k <= re; k++) if (firstWord(r[k]).equals(key)) sameRendered.add(k);
            List<Integer> sameTemplate = new ArrayList<>();
            for (int k = ts; k <= te; k++) if (firstWord(t[k]).equals(key)) sameTemplate.add(k);
            if (!key.isEmpty() && sameRendered.size() == sameTemplate.size()) return sameTemplate.get(sameRendered.indexOf(i)) + 1;
            if (re - rs == te - ts) return ts + (i - rs) + 1;
            return 0;
        };
    }

    private static String firstWord(String line) {
        String s = line.strip();
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) end++;
        return s.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /** Longest common subsequence of equal lines (blank lines do not anchor). */
    private static int[] align(String[] t, String[] r) {
        int n = t.length;
        int m = r.length;
        if ((long) n * m > 4_000_000L) { // too large to align: equal line counts map one to one, else nothing is known
            int[] out = new int[m];
            for (int i = 0; i < m; i++) out[i] = n == m ? i : -1;
            return out;
        }
        int[][] len = new int[n + 1][m + 1];
        for (int a = n - 1; a >= 0; a--) {
            for (int b = m - 1; b >= 0; b--) {
                len[a][b] = same(t[a], r[b]) ? len[a + 1][b + 1] + 1 : Math.max(len[a + 1][b], len[a][b + 1]);
            }
        }
        int[] out = new int[m];
        java.util.Arrays.fill(out, -1);
        int a = 0;
        int b = 0;
        while (a < n && b < m) {
            if (same(t[a], r[b])) {
                out[b] = a;
                a++;
                b++;
            } else if (len[a + 1][b] >= len[a][b + 1]) {
                a++;
            } else {
                b++;
            }
        }
        return out;
    }

    private static boolean same(String templateLine, String renderedLine) {
        return !templateLine.isBlank() && templateLine.equals(renderedLine);
    }
}
