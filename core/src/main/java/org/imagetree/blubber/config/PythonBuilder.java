package org.imagetree.blubber.config;

import java.util.List;

/** {@code python}: a virtualenv plus pip (or Poetry) installation of the requirements. */
public record PythonBuilder(String version, List<Artifact> requirements, Boolean useSystemSitePackages,
                            Boolean noDeps, String venv, String pipVersion, String setuptoolsVersion,
                            String toxVersion, String wheelVersion, Poetry poetry) implements Builder {
    public static final String DEFAULT_VENV = "/opt/lib/venv";

    public PythonBuilder {
        version = version == null ? "" : version;
        requirements = requirements == null ? null : List.copyOf(requirements);
        venv = venv == null ? "" : venv;
        pipVersion = pipVersion == null ? "" : pipVersion;
        setuptoolsVersion = setuptoolsVersion == null ? "" : setuptoolsVersion;
        toxVersion = toxVersion == null ? "" : toxVersion;
        wheelVersion = wheelVersion == null ? "" : wheelVersion;
        poetry = poetry == null ? Poetry.EMPTY : poetry;
    }

    @Override public String type() { return "python"; }

    /** The venv path, defaulting to /opt/lib/venv. */
    public String effectiveVenv() { return venv.isEmpty() ? DEFAULT_VENV : venv; }

    public boolean usesPoetry() { return !poetry.version().isEmpty(); }

    @Override public PythonBuilder mergeWith(Builder other) {
        PythonBuilder p = (PythonBuilder) other;
        return new PythonBuilder(Builder.pickNonEmpty(version, p.version), Builder.pick(requirements, p.requirements),
                Builder.pick(useSystemSitePackages, p.useSystemSitePackages), Builder.pick(noDeps, p.noDeps),
                Builder.pickNonEmpty(venv, p.venv), Builder.pickNonEmpty(pipVersion, p.pipVersion),
                Builder.pickNonEmpty(setuptoolsVersion, p.setuptoolsVersion),
                Builder.pickNonEmpty(toxVersion, p.toxVersion), Builder.pickNonEmpty(wheelVersion, p.wheelVersion),
                poetry.merge(p.poetry));
    }
}
