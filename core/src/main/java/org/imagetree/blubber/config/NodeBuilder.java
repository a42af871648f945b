package org.imagetree.blubber.config;

import java.util.List;

/** {@code node}: npm install/ci of the requirements; {@code env} becomes NODE_ENV. Booleans are tri-state. */
public record NodeBuilder(List<Artifact> requirements, String env, Boolean useNpmCi, Boolean allowDedupeFailure)
        implements Builder {
    public NodeBuilder {
        requirements = requirements == null ? null : List.copyOf(requirements);
        env = env == null ? "" : env;
    }

    @Override public String type() { return "node"; }

    @Override public NodeBuilder mergeWith(Builder other) {
        NodeBuilder n = (NodeBuilder) other;
        return new NodeBuilder(Builder.pick(requirements, n.requirements), Builder.pickNonEmpty(env, n.env),
                Builder.pick(useNpmCi, n.useNpmCi), Builder.pick(allowDedupeFailure, n.allowDedupeFailure));
    }
}
