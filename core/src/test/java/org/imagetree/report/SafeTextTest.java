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

    /** Every character that reorders or hides text (bidi embeddings, overrides, isolates, marks; separators) is escaped. */
    @Test
    void everyReorderingCharacterIsEscapedAndOtherUnicodeIsNot() {
        int[] reordering = {0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069};
        for (int c : reordering) {
            assertThat(SafeText.escape("a" + (char) c + "b")).as("U+%04X", c).isEqualTo(String.format("a\\u%04xb", c));
        }
        for (int c = 0; c < 0x20; c++) assertThat(SafeText.unsafe(c)).as("C0 %02x", c).isTrue();
        for (int c = 0x7f; c <= 0x9f; c++) assertThat(SafeText.unsafe(c)).as("DEL/C1 %02x", c).isTrue();
        // Text around them, and characters outside the BMP (a surrogate pair), are left as they are.
        assertThat(SafeText.escape("libc6 2.36-9+deb12u4 \ud83d\udd12 \u00e9\u4e2d\u2027\u2030")).isEqualTo("libc6 2.36-9+deb12u4 \ud83d\udd12 \u00e9\u4e2d\u2027\u2030");
    }

    @Test
    void jsonEscapesWhatJsonItselfLeavesRaw() throws Exception {
        String json = SafeText.json(new ObjectMapper()).writeValueAsString(Map.of("v", "a\u001b\u007f\u009b\u202eb"));
        assertThat(json).isEqualTo("{\"v\":\"a\\u001B\\u007F\\u009b\\u202eb\"}");
        assertThat(new ObjectMapper().readTree(json).get("v").asText()).isEqualTo("a\u001b\u007f\u009b\u202eb");
    }
}
