package org.imagetree.blubber.config;

import java.util.List;

/** {@code php}: composer install of the requirements; {@code production} adds --no-dev. */
public record PhpBuilder(List<Artifact> requirements, Boolean production) implements Builder {
    public PhpBuilder {
        requirements = requirements == null ? null : List.copyOf(requirements);
    }

    @Override public String type() { return "php"; }

    @Override public PhpBuilder mergeWith(Builder other) {
        PhpBuilder p = (PhpBuilder) other;
        return new PhpBuilder(Builder.pick(requirements, p.requirements), Builder.pick(production, p.production));
    }
}
