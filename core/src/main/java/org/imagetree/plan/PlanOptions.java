package org.imagetree.plan;

import java.util.Optional;

/**
 * @param select       docker-pkg's {@code --select}: an fnmatch glob over the full label
 * @param pull         false for {@code --no-pull} (local images are trusted first, as docker-pkg does)
 * @param publish      whether the run will push (decides whether locally built images still need work)
 * @param checkStale   read the recorded parent digest of every published image and compare it with the parent's
 *                     current digest (two registry requests per published image, so only when asked)
 * @param rebuildStale rebuild stale images and everything below them under the same tags (implies checkStale)
 */
public record PlanOptions(Optional<String> select, boolean pull, boolean publish, boolean checkStale, boolean rebuildStale) {
    public PlanOptions {
        checkStale = checkStale || rebuildStale;
    }

    public PlanOptions(Optional<String> select, boolean pull, boolean publish) {
        this(select, pull, publish, false, false);
    }

    public static PlanOptions defaults() { return new PlanOptions(Optional.empty(), true, true); }
}
