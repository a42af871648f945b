package org.imagetree.model;

import java.util.regex.Pattern;

/** Python's {@code fnmatch} (as docker-pkg's {@code --select}): {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}. */
public final class Glob {
    private final String pattern;
    private final Pattern regex;

    public Glob(String pattern) {
        this.pattern = pattern;
        this.regex = Pattern.compile(translate(pattern), Pattern.DOTALL);
    }

    public boolean matches(String s) { return regex.matcher(s).matches(); }

    /**
     * A selection that matches nothing is a mistake (a typo, a name instead of a label glob), not "nothing to do".
     *
     * @throws org.imagetree.InputError when {@code select} is given and matches no image's full label in {@code tree}
     */
    public static void requireMatch(java.util.Optional<String> select, ImageTree tree, java.nio.file.Path root) {
        if (select.isEmpty()) return;
        Glob g = new Glob(select.get());
        for (String n : tree.order()) if (g.matches(tree.get(n).label())) return;
        String example = tree.order().isEmpty() ? "" : " (--select matches full labels such as '" + tree.get(tree.order().get(0)).label()
                + "'; use '*NAME:*' for an image name)";
        throw new org.imagetree.InputError("--select '" + select.get() + "' matches no image in " + root + example);
    }

    @Override public String toString() { return pattern; }

    static String translate(String pat) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        int n = pat.length();
        while (i < n) {
            char c = pat.charAt(i++);
            if (c == '*') {
                sb.append(".*");
            } else if (c == '?') {
                sb.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && pat.charAt(j) == '!') j++;
                if (j < n && pat.charAt(j) == ']') j++;
                while (j < n && pat.charAt(j) != ']') j++;
                if (j >= n) {
                    sb.append("\\[");
                } else {
                    String stuff = pat.substring(i, j).replace("\\", "\\\\");
                    i = j + 1;
                    if (stuff.startsWith("!")) stuff = "^" + stuff.substring(1);
                    else if (stuff.startsWith("^")) stuff = "\\" + stuff;
                    sb.append('[').append(stuff).append(']');
                }
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }
}
