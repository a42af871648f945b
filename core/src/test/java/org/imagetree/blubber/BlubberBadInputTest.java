package org.imagetree.blubber;

import org.imagetree.InputError;
import org.imagetree.blubber.compile.CompileOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Broken Blubber files and policies (core/src/test/resources/bad-input-blubber/&lt;case&gt;: {@code blubber.yaml},
 * {@code variant.txt}, optional {@code policy.yaml}, {@code expected.txt} with the exact message, paths relative
 * to the case): compiling fails with an {@link InputError} naming the file and line or YAML path, and Blubber's
 * non-zero exit code.
 */
class BlubberBadInputTest {
    static final Path CORPUS = Path.of("src/test/resources/bad-input-blubber").toAbsolutePath();

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithTheExpectedMessage(String name) throws IOException {
        Path dir = CORPUS.resolve(name);
        String variant = Files.readString(dir.resolve("variant.txt")).strip();
        Path policy = Files.exists(dir.resolve("policy.yaml")) ? dir.resolve("policy.yaml") : null;
        Throwable t = catchThrowable(() -> Blubber.compile(dir.resolve("blubber.yaml"), variant, policy, CompileOptions.defaults()));
        assertThat(t).as(name).isInstanceOf(InputError.class);
        assertThat(Blubber.exitCode(t)).isGreaterThan(1);
        String actual = t.getMessage().replace(dir + "/", "");
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("badinput.record") && !Files.exists(expected)) Files.writeString(expected, actual + "\n");
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8).strip());
    }
}
