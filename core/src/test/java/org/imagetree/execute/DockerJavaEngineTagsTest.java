package org.imagetree.execute;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DockerJavaEngine#tagsAmong}: the engine filters by the references asked about (an agent's other images are
 * not listed), and with more references than it filters by it lists everything, still holding those asked about.
 */
@Tag("docker")
class DockerJavaEngineTagsTest {
    @Test
    void theEngineAnswersWithTheReferencesAskedAboutOnly() throws Exception {
        String base = TestEnvironment.baseImage();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String held = "127.0.0.1:5999/imagetree-tags-" + run + "/held:1.0";
        String other = "127.0.0.1:5999/imagetree-tags-" + run + "/held:2.0";
        String missing = "127.0.0.1:5999/imagetree-tags-" + run + "/missing:1.0";
        try (ContainerEngine engine = TestEnvironment.engine()) {
            engine.tag(base, held);
            engine.tag(base, other);
            try {
                Set<String> few = engine.tagsAmong(List.of(held, missing)).orElseThrow();
                assertThat(few).contains(held).doesNotContain(missing, other, base);

                List<String> many = new ArrayList<>(List.of(held, missing));
                for (int i = 0; many.size() <= DockerJavaEngine.MAX_REFERENCE_FILTERS; i++) many.add("imagetree-tags-" + run + "/n" + i + ":1");
                Set<String> all = engine.tagsAmong(many).orElseThrow();
                assertThat(all).contains(held, other, base).doesNotContain(missing);
            } finally {
                engine.remove(held);
                engine.remove(other);
            }
        }
    }
}
