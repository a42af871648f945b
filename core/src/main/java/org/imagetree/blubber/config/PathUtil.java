package org.imagetree.blubber.config;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's path.Clean and friends, for slash-separated image paths. */
public final class PathUtil {
    private PathUtil() {}

    public static String clean(String p) {
        if (p.isEmpty()) return ".";
        boolean rooted = p.startsWith("/");
        Deque<String> out = new ArrayDeque<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) out.removeLast();
                else if (!rooted) out.addLast("..");
            } else {
                out.addLast(part);
            }
        }
        String joined = String.join("/", out);
        if (rooted) return "/" + joined;
        return joined.isEmpty() ? "." : joined;
    }

    public static String dir(String p) {
        String c = clean(p);
        int i = c.lastIndexOf('/');
        if (i < 0) return ".";
        if (i == 0) return "/";
        return c.substring(0, i);
    }

    public static String base(String p) {
        String c = clean(p);
        int i = c.lastIndexOf('/');
        return i < 0 ? c : c.substring(i + 1);
    }

    public static String join(String dir, String rel) {
        return clean(dir + "/" + rel);
    }
}
