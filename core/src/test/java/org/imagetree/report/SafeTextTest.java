package org.imagetree.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Text from outside printed escaped: nothing in it can move the cursor, recolour, reorder or start a line. */
class SafeTextTest {
    @Test
    void controlCharactersAreEscapedAndPlainTextIsUntouched() {
        assertThat(SafeText.escape("3.0.11-1~deb12u1 ünïcode")).isEqualTo("3.0.11-1~deb12u1 ünïcode");
        assertThat(SafeText.escape("1.0\u001b[2J\u001b[1;1Hclean")).isEqualTo("1.0\\x1b[2J\\x1b[1;1Hclean");
        assertThat(SafeText.escape("a\nb\tc\rd\u007f\u009b\u202e\u2028")).isEqualTo("a\\x0ab\\x09c\\x0dd\\x7f\\x9b\\u202e\\u2028");
        assertThat(SafeText.escapeLines("line 1\n\tline 2\u001b")).isEqualTo("line 1\n\tline 2\\x1b");
        assertThat(SafeText.escape(null)).isNull();
    }

    @Test
    void jsonEscapesWhatJsonItselfLeavesRaw() throws Exception {
        String json = SafeText.json(new ObjectMapper()).writeValueAsString(Map.of("v", "a\u001b\u007f\u009b\u202eb"));
        assertThat(json).isEqualTo("{\"v\":\"a\\u001B\\u007F\\u009b\\u202eb\"}");
        assertThat(new ObjectMapper().readTree(json).get("v").asText()).isEqualTo("a\u001b\u007f\u009b\u202eb");
    }
}
