package org.imagetree.security;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside an image, in one canonical form: relative to the image's root, components joined by one {@code /},
 * without {@code .}, {@code ..}, empty components or leading and trailing slashes ({@code ""} is the root). A layer's
 * entry names ({@code ./var/lib/dpkg/status}, {@code var//lib/dpkg/./status}, {@code /var/lib/dpkg/status}) all become
 * {@code var/lib/dpkg/status}; {@code ..} never climbs above the root (as in a chroot: the engine unpacks a layer, and
 * a container resolves a path, inside the image's root).
 */
final class ImagePath {
    private ImagePath() {}

    static String normalise(String name) {
        return String.join("/", components(name));
    }

    /** The canonical components of {@code name}. */
    static List<String> components(String name) {
        Deque<String> out = new ArrayDeque<>();
        for (String c : name.split("/", -1)) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                out.pollLast();
                continue;
            }
            out.addLast(c);
        }
        return new ArrayList<>(out);
    }

    /** The directory holding {@code path} ({@code ""} for a top-level path). */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The last component of {@code path}. */
    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** The proper ancestors of {@code path}, outermost first, without the root: {@code var}, {@code var/lib}, … */
    static List<String> ancestors(String path) {
        List<String> out = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) out.add(path.substring(0, slash));
        return out;
    }
}
