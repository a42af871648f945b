package org.imagetree.blubber.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.imagetree.blubber.config.ConfigDecoderTest.decode;

class PolicyTest {
    private static final String CONFIG = """
            version: v4
            base: docker-registry.wikimedia.org/bookworm:latest
            variants:
              build: {base: debian:bookworm}
              production: {includes: [build], runs: {insecurely: true}}
            """;

    @Test
    void violationStopsWithBlubbersMessageAndExitCode6() {
        Policy policy = Policy.parse("policy.yaml", """
                enforcements:
                  - path: base
                    rule: startswith=docker-registry.wikimedia.org
                  - path: variants.production.runs.insecurely
                    rule: isfalse
                """);
        Expansion e = Expander.expand(decode(CONFIG), "production");
        assertThatThrownBy(() -> policy.check(e)).isInstanceOfSatisfying(BlubberError.class, err -> {
            assertThat(err.exitCode()).isEqualTo(6);
            // One line at the value's line (Blubber: "Configuration fails policy check against:\npolicy: ...\nviolation: ...").
            assertThat(err.getMessage()).isEqualTo("blubber.yaml:5: fails the policy policy.yaml: "
                    + "value: \"true\", for \"variants.production.runs.insecurely\" violates policy rule \"isfalse\"");
        });
    }

    @Test
    void expandedValuesAreChecked() {
        Policy policy = Policy.parse("p", "enforcements:\n  - {path: variants.production.base, rule: 'omitempty,startswith=docker-registry.wikimedia.org'}\n");
        assertThatThrownBy(() -> policy.check(Expander.expand(decode(CONFIG), "production")))
                .hasMessageContaining("value: \"debian:bookworm\", for \"variants.production.base\"");
    }

    @Test
    void unresolvablePathsAreSkippedAndPassingRulesPass() {
        Policy policy = Policy.parse("p", """
                enforcements:
                  - {path: variants.nope.base, rule: eq=x}
                  - {path: runs.as, rule: ne=root}
                  - {path: lives.uid, rule: gt=1000}
                  - {path: base, rule: "oneof=a docker-registry.wikimedia.org/bookworm:latest"}
                  - {path: version, rule: eq=v4}
                  - {path: variants.build.base, rule: "eq=nope|imageref"}
                """);
        assertThatCode(() -> policy.check(Expander.expand(decode(CONFIG), "build"))).doesNotThrowAnyException();
    }

    @Test
    void loadErrorsHaveExitCode5() {
        assertThatThrownBy(() -> Policy.parse("p", "enforcements:\n  - {path: base, rule: frobnicate}\n"))
                .isInstanceOfSatisfying(BlubberError.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(5);
                    assertThat(e.problem()).contains("unknown policy rule tag \"frobnicate\"");
                });
        assertThatThrownBy(() -> Policy.parse("p", "rules: []\n")).hasMessageContaining("enforcements");
        assertThatThrownBy(() -> Policy.read(java.nio.file.Path.of("/nonexistent/policy.yaml")))
                .isInstanceOfSatisfying(BlubberError.class, e -> assertThat(e.exitCode()).isEqualTo(5));
    }
}
