package org.imagetree.config;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretMaskTest {
    @TempDir Path dir;

    @Test
    void masksWholeOccurrencesLongestFirstInOnePass() {
        SecretMask m = SecretMask.of(Arrays.asList("hunter2-secret", "hunter2-secret-longer", null, ""));
        assertThat(m.mask("a hunter2-secret-longer b hunter2-secret c hunter2-secrethunter2-secret"))
                .isEqualTo("a **** b **** c ********");
        // a secret that contains the mask's characters is still masked whole
        assertThat(SecretMask.of(List.of("ab****cdef")).mask("x ab****cdef y")).isEqualTo("x **** y");
        assertThat(SecretMask.of(List.of("a.b+c*d$1\\")).mask("pw=a.b+c*d$1\\!")).isEqualTo("pw=****!");
    }

    @Test
    void shortSecretsAreNotMaskedBecauseThatGarblesText() {
        SecretMask m = SecretMask.of(List.of("a", "pw", "1234567"));
        String text = "pulling docker-registry.example.org/a:1234567 with pw";
        assertThat(m.mask(text)).isEqualTo(text);
        assertThat(SecretMask.tooShort("password", "1234567")).hasValueSatisfying(s -> assertThat(s).contains("shorter than 8"));
        assertThat(SecretMask.tooShort("password", "12345678")).isEmpty();
        // where a short secret must be hidden all the same (the Jenkins console), every occurrence is
        assertThat(SecretMask.anyLength(List.of("pw", "1234567")).mask(text)).isEqualTo("pulling docker-registry.example.org/a:**** with ****");
    }

    @Test
    void aPasswordTooShortToMaskIsRefusedNamingWhereItCameFrom() throws IOException {
        Path file = Files.writeString(dir.resolve("config.yaml"), "registry: r.example\nusername: bot\npassword: s3cret\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.problem()).contains("password is shorter than 8 characters").doesNotContain("s3cret");
                });
        Path noPassword = Files.writeString(dir.resolve("other.yaml"), "registry: r.example\nusername: bot\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(noPassword), Map.of(ConfigLoader.PASSWORD_ENV, "short")))
                .isInstanceOfSatisfying(InputError.class, e -> assertThat(e.getMessage()).startsWith("$" + ConfigLoader.PASSWORD_ENV + ": password"));
        assertThat(ConfigLoader.load(Optional.of(noPassword), Map.of(ConfigLoader.PASSWORD_ENV, "long-enough")).password()).contains("long-enough");
    }
}
