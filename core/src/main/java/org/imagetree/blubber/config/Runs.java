package org.imagetree.blubber.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** {@code runs}: the runtime user, environment, working directory and {@code insecurely}. */
public record Runs(String as, Integer uid, Integer gid, Map<String, String> environment, String in, Boolean insecurely) {
    public static final Runs DEFAULT = new Runs("runuser", 900, 900, Map.of(), "", null);
    public static final Runs EMPTY = new Runs("", null, null, Map.of(), "", null);

    public Runs {
        as = as == null ? "" : as;
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(environment));
        in = in == null ? "" : in;
    }

    public boolean isInsecure() { return Boolean.TRUE.equals(insecurely); }

    public int uidOrZero() { return uid == null ? 0 : uid; }

    public int gidOrZero() { return gid == null ? 0 : gid; }

    public Runs merge(Runs next) {
        if (next == null) return this;
        Map<String, String> env = new TreeMap<>(environment);
        env.putAll(next.environment);
        return new Runs(Builder.pickNonEmpty(as, next.as), Lives.nonZero(uid, next.uid), Lives.nonZero(gid, next.gid),
                env, Builder.pickNonEmpty(in, next.in), Builder.pick(insecurely, next.insecurely));
    }
}
