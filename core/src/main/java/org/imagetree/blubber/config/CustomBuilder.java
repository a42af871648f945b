package org.imagetree.blubber.config;

import java.util.List;

/** {@code builder} / {@code builders[].custom}: a command or script with requirements, mounts and caches. */
public record CustomBuilder(Command command, String script, List<Artifact> requirements, List<Mount> mounts,
                            List<Cache> caches) implements Builder {
    public CustomBuilder {
        script = script == null ? "" : script;
        requirements = requirements == null ? null : List.copyOf(requirements);
        mounts = mounts == null ? null : List.copyOf(mounts);
        caches = caches == null ? null : List.copyOf(caches);
    }

    @Override public String type() { return "custom"; }

    public List<Mount> mountsOrEmpty() { return mounts == null ? List.of() : mounts; }

    public List<Cache> cachesOrEmpty() { return caches == null ? List.of() : caches; }

    @Override public CustomBuilder mergeWith(Builder other) {
        CustomBuilder c = (CustomBuilder) other;
        return new CustomBuilder(Builder.pick(command, c.command), Builder.pickNonEmpty(script, c.script),
                Builder.pick(requirements, c.requirements), Builder.pick(mounts, c.mounts), Builder.pick(caches, c.caches));
    }
}
