package org.imagetree.execute;

import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ContainerEngine.BuildRequest#target()}: the named stage is built, not the last one. */
@Tag("docker")
class DockerJavaEngineTargetTest {
    @Test
    void buildsTheTargetStage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch AS first\nLABEL stage=first\nFROM scratch AS second\nLABEL stage=second\n");
        String tag = "imagetree-test/target-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        try (ContainerEngine engine = TestEnvironment.engine()) {
            try {
                engine.build(new ContainerEngine.BuildRequest(dir, List.of(tag), Map.of(), Map.of(), false,
                        ContainerEngine.ResourceLimits.NONE, "first"), line -> { });
                assertThat(engine.inspect(tag)).hasValueSatisfying(i -> assertThat(i.labels()).containsEntry("stage", "first"));
                engine.build(new ContainerEngine.BuildRequest(dir, List.of(tag), Map.of(), Map.of(), false,
                        ContainerEngine.ResourceLimits.NONE), line -> { });
                assertThat(engine.inspect(tag)).hasValueSatisfying(i -> assertThat(i.labels()).containsEntry("stage", "second"));
            } finally {
                engine.remove(tag);
            }
        }
    }
}
