package org.imagetree.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShellTest {
    @Test
    void plainWordsStayAndOthersAreSingleQuoted() {
        assertThat(Shell.quote("/srv/images/config.yaml")).isEqualTo("/srv/images/config.yaml");
        assertThat(Shell.quote("my images")).isEqualTo("'my images'");
        assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Shell.quote("$HOME;rm")).isEqualTo("'$HOME;rm'");
    }
}
