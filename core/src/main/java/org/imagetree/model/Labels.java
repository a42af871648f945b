package org.imagetree.model;

import java.util.StringJoiner;

/** How docker-pkg names images: {@code os.path.join(registry, namespace, name)} plus {@code :tag}. */
public final class Labels {
    private Labels() {}

    /** Repository part: the non-empty components of registry, namespace and name joined with '/'. */
    public static String repository(String registry, String namespace, String name) {
        StringJoiner j = new StringJoiner("/");
        for (String part : new String[] {registry, namespace, name}) {
            if (part == null || part.isEmpty()) continue;
            j.add(stripSlashes(part));
        }
        return j.toString();
    }

    public static String label(String registry, String namespace, String name, String tag) {
        return repository(registry, namespace, name) + ":" + tag;
    }

    /** The repository part of a label or reference (everything before the tag colon and any digest). */
    public static String repositoryOf(String reference) {
        String r = reference;
        int at = r.indexOf('@');
        if (at >= 0) r = r.substring(0, at);
        int colon = r.lastIndexOf(':');
        if (colon > r.lastIndexOf('/')) r = r.substring(0, colon);
        return r;
    }

    /** The tag of a label, or "latest" when it has none. */
    public static String tagOf(String reference) {
        String r = reference;
        int at = r.indexOf('@');
        if (at >= 0) r = r.substring(0, at);
        int colon = r.lastIndexOf(':');
        return colon > r.lastIndexOf('/') ? r.substring(colon + 1) : "latest";
    }

    private static String stripSlashes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '/') b++;
        while (e > b && s.charAt(e - 1) == '/') e--;
        return s.substring(b, e);
    }
}
