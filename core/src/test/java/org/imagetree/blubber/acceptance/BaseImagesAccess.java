package org.imagetree.blubber.acceptance;

import org.imagetree.execute.DockerCli;

import java.nio.file.Path;

/** Public access to the base-image fixture for tests outside this package. */
public final class BaseImagesAccess {
    private final BaseImages bases;

    public BaseImagesAccess(DockerCli docker, Path repo) {
        this.bases = new BaseImages(docker, repo);
    }

    public boolean ensure(String image) { return bases.ensure(image); }
}
