package org.imagetree.policy;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.Dockerfiles;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.model.TreeImage;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wikimedia's production-images (125 templates, multi-stage builds with {@code COPY --from=<stage>}) pass the registry
 * policy of their own config: the stricter check (every image a build may pull) has no false alarm there, and it does
 * see every stage copy the templates make.
 */
class ConformancePolicyTest {
    @Test
    void theProductionTreeObeysItsOwnRegistry() {
        Path root = TestEnvironment.shared().resolve("conformance/production-images");
        EngineConfig config = ConfigLoader.load(Optional.of(root.resolve("config.yaml")), Map.of());
        ImageTreeLoader.LoadedTree loaded = new ImageTreeLoader(config, 4).load(root.resolve("images"), "");
        assertThat(loaded.violations()).isEmpty();

        List<String> stageCopies = new ArrayList<>();
        for (TreeImage i : loaded.tree().images().values()) {
            for (Dockerfiles.Instruction in : Dockerfiles.parse(i.dockerfile()).instructions()) {
                if (in.keyword().equals("COPY")) stageCopies.addAll(in.flag("from"));
            }
            // No stage copy is taken for an image, and every FROM is one.
            assertThat(Dockerfiles.pulledImages(i.dockerfile())).as(i.name())
                    .allMatch(u -> u.source() == Dockerfiles.Source.FROM);
        }
        assertThat(stageCopies).hasSizeGreaterThan(30).contains("build", "spark-operator-build", "python_build");
    }
}
