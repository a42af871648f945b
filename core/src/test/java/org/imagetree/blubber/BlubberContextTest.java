package org.imagetree.blubber;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The default build context (and so the pipeline's project name) of a blubber.yaml (issue 26). */
class BlubberContextTest {
    @TempDir Path dir;

    @Test
    void aPipelineLibBlubberFileBuildsTheRepositoryAndOthersTheirDirectory() {
        Path repo = dir.resolve("myservice");
        assertThat(Blubber.defaultContext(repo.resolve(".pipeline/blubber.yaml"))).isEqualTo(repo);
        assertThat(Blubber.defaultContext(repo.resolve(".pipeline/../.pipeline/blubber.yaml"))).isEqualTo(repo);
        assertThat(Blubber.defaultContext(repo.resolve("blubber.yaml"))).isEqualTo(repo);
        assertThat(Blubber.defaultContext(repo.resolve("deploy/blubber.yaml"))).isEqualTo(repo.resolve("deploy"));
        assertThat(Blubber.defaultContext(Path.of(".pipeline/blubber.yaml")).getFileName())
                .isEqualTo(Path.of("").toAbsolutePath().getFileName());
        assertThat(new VariantBuild.Request(repo.resolve(".pipeline/blubber.yaml"), "production", null, null, null, null, false, null).context())
                .isEqualTo(repo);
    }
}
