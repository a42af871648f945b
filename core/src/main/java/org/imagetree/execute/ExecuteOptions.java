package org.imagetree.execute;

import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;

import java.nio.file.Path;

/**
 * @param jobs     images built at the same time (parents always before children)
 * @param useCache false (docker-pkg's default) builds with {@code --no-cache}
 * @param pull     pull base images and published parents before building
 * @param publish  push version tag and {@code latest}
 * @param workDir  where temporary build contexts go
 */
public record ExecuteOptions(int jobs, boolean useCache, boolean pull, boolean publish, Path workDir) {
    public ExecuteOptions {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
    }

    /**
     * Whether to publish when the user did not say: docker-pkg publishes only with credentials; a loopback or
     * configured insecure registry needs none.
     */
    public static boolean publishByDefault(EngineConfig config) {
        if (config.registry().isEmpty()) return false;
        if (config.hasCredentials()) return true;
        return ImageReference.isLoopbackRegistry(config.registry()) || config.insecureRegistries().contains(config.registry());
    }
}
