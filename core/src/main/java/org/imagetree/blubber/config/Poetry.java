package org.imagetree.blubber.config;

/** {@code python.poetry}: Poetry version constraint and dependency-group selection. */
public record Poetry(String version, Boolean devel, String only, String without) {
    public static final Poetry EMPTY = new Poetry("", null, "", "");

    public Poetry {
        version = version == null ? "" : version;
        only = only == null ? "" : only;
        without = without == null ? "" : without;
    }

    public Poetry merge(Poetry next) {
        if (next == null) return this;
        return new Poetry(Builder.pickNonEmpty(version, next.version), Builder.pick(devel, next.devel),
                Builder.pickNonEmpty(only, next.only), Builder.pickNonEmpty(without, next.without));
    }
}
