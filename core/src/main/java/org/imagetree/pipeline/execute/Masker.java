package org.imagetree.pipeline.execute;

import org.imagetree.config.SecretMask;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Masks every credential value given to a container of a pipeline's run, in every line passed on. */
final class Masker {
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private volatile SecretMask mask = SecretMask.of(List.of());

    void add(Collection<String> values) {
        if (secrets.addAll(values)) {
            synchronized (this) {
                mask = SecretMask.of(secrets);
            }
        }
    }

    String apply(String s) { return mask.mask(s); }
}
