package org.imagetree.update;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionBumpTest {
    @ParameterizedTest
    @CsvSource({
            "0.1.2, s, 0.1.2-s1",
            "0.1.2-1-s8, s, 0.1.2-1-s9",
            "0.1.2-s9, s, 0.1.2-s10",
            "0.0.4-20250727, s, 0.0.4-20250727-s1",
            "4.0.2-3-20260816, s, 4.0.2-3-20260816-s1",
            "0.1.2-1, '', 0.1.2-2",
            "1.0, u, 1.0-u1",
    })
    void bumpsAsDockerPkg(String version, String id, String expected) {
        assertThat(VersionBump.next(version, id)).isEqualTo(expected);
    }

    @Test
    void refusesVersionsWithLettersAndSaysWhatToDo() {
        for (String v : new String[] {"0.1.2-1~wmf2", "18.2.7-wmf1-20260816", "v20220915-3", "9.0.4-20260107.e9ce92c-20260816"}) {
            assertThatThrownBy(() -> VersionBump.next(v, "s"))
                    .hasMessageContaining("'" + v + "' cannot be bumped automatically")
                    .hasMessageContaining("--version");
        }
    }
}
