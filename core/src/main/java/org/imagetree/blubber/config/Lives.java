package org.imagetree.blubber.config;

/** {@code lives}: where the application lives and who owns it. Null/empty/0 mean "not given". */
public record Lives(String in, String as, Integer uid, Integer gid) {
    public static final Lives DEFAULT = new Lives("/srv/app", "somebody", 65533, 65533);
    public static final Lives EMPTY = new Lives("", "", null, null);

    public Lives {
        in = in == null ? "" : in;
        as = as == null ? "" : as;
    }

    /** Strings override if non-empty, ids if non-zero. */
    public Lives merge(Lives next) {
        if (next == null) return this;
        return new Lives(Builder.pickNonEmpty(in, next.in), Builder.pickNonEmpty(as, next.as),
                nonZero(uid, next.uid), nonZero(gid, next.gid));
    }

    static Integer nonZero(Integer a, Integer b) { return b != null && b != 0 ? b : a; }

    public int uidOrZero() { return uid == null ? 0 : uid; }

    public int gidOrZero() { return gid == null ? 0 : gid; }
}
