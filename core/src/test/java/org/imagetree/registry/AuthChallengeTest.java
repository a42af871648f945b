package org.imagetree.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {
    @Test
    void parsesABearerChallengeWithQuotedCommas() {
        List<AuthChallenge> c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"");

        assertThat(c).containsExactly(new AuthChallenge("bearer", Map.of(
                "realm", "https://auth.docker.io/token", "service", "registry.docker.io", "scope", "repository:samalba/my-app:pull,push")));
    }

    @Test
    void prefersBearerAmongSeveralChallenges() {
        assertThat(AuthChallenge.select(List.of("Basic realm=\"r\", Bearer realm=\"https://t/token\", service=s")))
                .hasValueSatisfying(c -> {
                    assertThat(c.isBearer()).isTrue();
                    assertThat(c.param("service")).isEqualTo("s");
                });
        assertThat(AuthChallenge.select(List.of("Basic realm=\"docker-registry\""))).hasValueSatisfying(c -> assertThat(c.isBasic()).isTrue());
        assertThat(AuthChallenge.select(List.of("Negotiate"))).isEmpty();
    }
}
