package org.imagetree.config;

import org.imagetree.InputError;
import org.imagetree.blubber.config.BlubberError;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.blubber.config.Policy;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every YAML input is strict: no duplicate keys, no huge files, no alias bombs; unknown config keys are named. */
class StrictYamlTest {
    @TempDir Path dir;

    private static final String LAUGHS = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            """;

    private EngineConfig load(String yaml) throws IOException {
        return ConfigLoader.load(Optional.of(Files.writeString(dir.resolve("config.yaml"), yaml)), Map.of());
    }

    @Test
    void aDuplicateConfigKeyIsAnErrorAtItsLine() throws IOException {
        Path file = dir.resolve("config.yaml");
        assertThatThrownBy(() -> load("registry: docker-registry.example.org\nnamespace: x\nregistry: evil.example\n"))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.problem()).isEqualTo("duplicate key 'registry' (first at line 1)");
                });
        assertThatThrownBy(() -> load("known_uid_mappings:\n  root: 0\n  root: 1\n"))
                .isInstanceOfSatisfying(InputError.class, e -> assertThat(e.line()).isEqualTo(3));
    }

    @Test
    void aConfigOverOneMebibyteIsRefusedBeforeItIsParsed() throws IOException {
        Path file = dir.resolve("config.yaml");
        // 8 MiB of a valid, slow-to-parse document: refused by its size alone
        Files.writeString(file, "base_images:\n" + "  - docker-registry.example.org/x:1\n".repeat(8 * 1024 * 1024 / 34));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.problem()).contains("over the limit of 1048576 bytes");
                });
    }

    @Test
    void aliasBombsAreRefused() throws IOException {
        assertThatThrownBy(() -> load(LAUGHS))
                .isInstanceOfSatisfying(InputError.class, e -> assertThat(e.problem()).contains("more than " + StrictYaml.MAX_NODES + " nodes"));
        // a few aliases are fine
        assertThat(load("a: &x ['-c', 'true']\nverify_args: *x\n").get("verify_args")).isEqualTo(java.util.List.of("-c", "true"));
    }

    @Test
    void unknownKeysAreKeptWithAWarningNamingTheClosestKnownKey() throws IOException {
        EngineConfig config = load("registry: r.example\nnamespce: team\nsomething_for_templates: 1\n");
        assertThat(config.get("namespce")).isEqualTo("team");
        assertThat(config.warnings()).containsExactly(
                dir.resolve("config.yaml") + ":2: unknown key 'namespce' (did you mean 'namespace'?); it is kept for templates",
                dir.resolve("config.yaml") + ":3: unknown key 'something_for_templates' (did you mean '"
                        + ConfigLoader.closest("something_for_templates") + "'?); it is kept for templates");
    }

    @Test
    void theRealProductionConfigHasNoUnknownKey() {
        Path real = TestEnvironment.shared().resolve("conformance/production-images/config.yaml");
        assertThat(ConfigLoader.load(Optional.of(real), Map.of()).warnings()).isEmpty();
    }

    @Test
    void blubberYamlIsStrictToo() throws IOException {
        assertThatThrownBy(() -> ConfigDecoder.decode("blubber.yaml", "version: v4\nbase: a\nvariants:\n  x: {}\nbase: b\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.problem()).isEqualTo("duplicate key 'base' (first at line 2)");
                });
        assertThatThrownBy(() -> ConfigDecoder.decode("blubber.yaml", "version: v4\nvariants:\n  x:\n    base: a\n    base: b\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> assertThat(e.line()).isEqualTo(5));
        assertThatThrownBy(() -> ConfigDecoder.decode("blubber.yaml", "version: v4\n" + LAUGHS))
                .isInstanceOfSatisfying(BlubberError.class, e -> assertThat(e.problem()).contains("more than"));
        Path big = Files.writeString(dir.resolve("blubber.yaml"), "version: v4\n# " + "x".repeat(2 << 20) + "\n");
        assertThatThrownBy(() -> ConfigDecoder.read(big))
                .isInstanceOfSatisfying(BlubberError.class, e -> assertThat(e.problem()).contains("over the limit of 1048576 bytes"));
    }

    @Test
    void aPolicyWithADuplicateKeyIsALoadError() {
        assertThatThrownBy(() -> Policy.parse("policy.yaml", "enforcements:\n  - path: base\n    rule: oneof=a b\n    rule: required\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.kind()).isEqualTo(BlubberError.Kind.POLICY_LOAD);
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.problem()).contains("duplicate key 'rule' (first at line 3)");
                });
    }
}
