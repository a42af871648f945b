package org.imagetree.config;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code builder: classic | buildkit}. */
class BuilderConfigTest {
    @Test
    void classicByDefaultBuildkitWhenAskedAnythingElseIsAnErrorAtItsLine(@TempDir Path dir) throws Exception {
        assertThat(ConfigLoader.fromMap(Map.of("registry", "r.example")).builder()).isEqualTo("classic");
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "registry: r.example\nbuilder: buildkit\n");
        assertThat(ConfigLoader.load(Optional.of(ok), Map.of()).builder()).isEqualTo("buildkit");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "registry: r.example\nbuilder: kaniko\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(bad), Map.of())).isInstanceOf(InputError.class)
                .hasMessageContaining("bad.yaml:2").hasMessageContaining("must be classic or buildkit, not 'kaniko'");
    }
}
