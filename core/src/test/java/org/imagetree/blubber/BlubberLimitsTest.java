package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.BlubberError;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Expander;
import org.imagetree.config.StrictYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Large Blubber files a 1 MiB blubber.yaml can hold (issue 25): includes are resolved without a recursion depth limit
 * and in linear time, and a file with many variants but no alias is not taken for an alias bomb. The timeouts are
 * guards against a stack overflow or a quadratic walk coming back (the old one took 6.5 s for a 3,000-deep chain, so
 * minutes for these), not speed targets.
 */
class BlubberLimitsTest {
    @TempDir Path dir;

    /** var0 has the base; var1 includes var0, ..., var(n-1) includes var(n-2): the last one is n deep. */
    private Path chain(int n) throws IOException {
        StringBuilder sb = new StringBuilder("version: v4\nvariants:\n  var0: {base: debian:bookworm, runs: {environment: {DEPTH: deep}}}\n");
        for (int i = 1; i < n; i++) sb.append("  var").append(i).append(": {includes: [var").append(i - 1).append("]}\n");
        Path file = dir.resolve("blubber.yaml");
        Files.writeString(file, sb);
        assertThat(Files.size(file)).isLessThan(StrictYaml.MAX_BYTES);
        return file;
    }

    @Test
    void aTwentyThousandDeepIncludesChainCompilesWithoutStackOverflow() throws IOException {
        Path file = chain(20_000);
        CompiledDockerfile df = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Blubber.compile(file, "var19999", null, CompileOptions.defaults()));
        assertThat(df.text()).contains("FROM debian:bookworm AS var19999").contains("DEPTH=\"deep\"");
        assertThat(Expander.includedVariants(ConfigDecoder.read(file), "var19999")).hasSize(19_999).startsWith("var0", "var1");
    }

    @Test
    void aCycleAtTheEndOfALongChainIsBlubbersExpansionError() throws IOException {
        Path file = chain(5_000);
        Files.writeString(file, Files.readString(file).replace("var0: {base: debian:bookworm,", "var0: {includes: [var4999], base: debian:bookworm,"));
        assertThatThrownBy(() -> Blubber.compile(file, "var4999", null, CompileOptions.defaults()))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("Detected dependency graph cycle at 'var4999'");
                });
    }

    @Test
    void twentyThousandVariantsWithoutAnAliasAreReadAndCompiled() throws IOException {
        StringBuilder sb = new StringBuilder("version: v4\nbase: debian:bookworm\nvariants:\n");
        for (int i = 0; i < 20_000; i++) sb.append("  variant").append(i).append(": {runs: {as: user").append(i % 10).append("x}}\n");
        Path file = dir.resolve("blubber.yaml");
        Files.writeString(file, sb);
        CompiledDockerfile df = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Blubber.compile(file, "variant19999", null, CompileOptions.defaults()));
        assertThat(df.text()).contains("FROM debian:bookworm AS variant19999");
    }

    @Test
    void anAliasBombIsStillRefusedAsOne() throws IOException {
        // 7 levels of 7 aliases (49, under SnakeYAML's 50 aliases to collections) expand to 7^8 nodes.
        StringBuilder sb = new StringBuilder("version: v4\nx0: &a0 [x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 8; i++) {
            sb.append("x").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 7; k++) sb.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            sb.append("]\n");
        }
        Path file = dir.resolve("bomb.yaml");
        Files.writeString(file, sb);
        assertThatThrownBy(() -> ConfigDecoder.read(file)).isInstanceOfSatisfying(BlubberError.class, e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).contains("aliases expand the document by more than " + StrictYaml.MAX_NODES + " nodes");
        });
    }
}
