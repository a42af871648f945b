package org.imagetree.plan;

import java.util.Optional;

/**
 * @param select       docker-pkg's {@code --select}: an fnmatch glob over the full label
 * @param pull         false for {@code --no-pull} (local images are trusted first, as docker-pkg does)
 * @param publish      whether the run will push (decides whether locally built images still need work)

 */
public record PlanOptions(Optional<String> select, boolean pull, boolean publish) {
    public static PlanOptions defaults() { return new PlanOptions(Optional.empty(), true, true); }
}
