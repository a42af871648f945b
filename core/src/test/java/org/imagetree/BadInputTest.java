package org.imagetree;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageTreeLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The corpus of broken inputs (core/src/test/resources/bad-input/&lt;case&gt;: an {@code images} tree, an optional
 * {@code config.yaml}, and {@code expected.txt} holding the exact message, with paths relative to the case):
 * reading the config and loading the tree fails with an {@link InputError} that says which file, which line or
 * YAML path, and what is wrong. The CLI test runs the same corpus end to end (exit 2, nothing built).
 */
class BadInputTest {
    static final Path CORPUS = Path.of("src/test/resources/bad-input").toAbsolutePath();

    /** Every case of the corpus except command line ones (those have an {@code args.txt}). */
    public static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            List<String> names = s.filter(Files::isDirectory).filter(d -> !Files.exists(d.resolve("args.txt")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            return names.stream();
        }
    }

    @org.junit.jupiter.api.Test
    void theCorpusIsLargeAndEveryCaseSaysWhatItExpects() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(40);
            for (Path d : all) assertThat(d.resolve("expected.txt")).as(d.toString()).isRegularFile();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithTheExpectedMessage(String name) throws IOException {
        Path dir = CORPUS.resolve(name);
        Throwable t = catchThrowable(() -> {
            Path config = dir.resolve("config.yaml");
            EngineConfig c = Files.exists(config) ? ConfigLoader.load(Optional.of(config), Map.of()) : ConfigLoader.fromMap(Map.of());
            var loaded = new ImageTreeLoader(c, 2).load(dir.resolve("images"), "");
            org.imagetree.policy.PolicyChecker.requireNone(loaded.violations()); // as planning does
        });
        assertThat(t).as(name).isInstanceOf(InputError.class);
        String actual = relative(dir, t.getMessage());
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("badinput.record") && !Files.exists(expected)) Files.writeString(expected, actual + "\n");
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8).strip());
    }

    /** The message with the case directory taken out of paths. */
    public static String relative(Path caseDir, String message) {
        return message.replace(caseDir.toAbsolutePath() + "/", "");
    }
}
