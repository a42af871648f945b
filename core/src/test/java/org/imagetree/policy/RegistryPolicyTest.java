package org.imagetree.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryPolicyTest {
    private static final String D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** Allowed: the Wikimedia registry, a local one with a port, a path prefix; denied: two base images. */
    private static final RegistryPolicy POLICY = RegistryPolicy.forDeployment(
            List.of("docker-registry.wikimedia.org", "localhost:5000", "registry.example/team"),
            "docker-registry.wikimedia.org", List.of("bookworm:latest", "docker-registry.wikimedia.org/bullseye"));

    enum Verdict { ALLOW, DENY_REGISTRY, DENY_BASE, INVALID }

    @ParameterizedTest(name = "[{index}] {0} -> {1} {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            docker-registry.wikimedia.org/python3                          | docker-registry.wikimedia.org/python3:latest                     | ALLOW
            docker-registry.wikimedia.org/python3:0.1.2                    | docker-registry.wikimedia.org/python3:0.1.2                      | ALLOW
            docker-registry.wikimedia.org/python3-build-bookworm:0.0.1-20240101 | docker-registry.wikimedia.org/python3-build-bookworm:0.0.1-20240101 | ALLOW
            docker-registry.wikimedia.org/ml/amd-pytorch-common            | docker-registry.wikimedia.org/ml/amd-pytorch-common:latest       | ALLOW
            DOCKER-REGISTRY.Wikimedia.ORG/python3                          | docker-registry.wikimedia.org/python3:latest                     | ALLOW
            docker-registry.wikimedia.org/python3@SHA                      | docker-registry.wikimedia.org/python3@SHA                        | ALLOW
            docker-registry.wikimedia.org/python3:1.0@SHA                  | docker-registry.wikimedia.org/python3:1.0@SHA                    | ALLOW
            docker-registry.wikimedia.org/bookworm-extra                   | docker-registry.wikimedia.org/bookworm-extra:latest              | ALLOW
            docker-registry.wikimedia.org/releng/bookworm                  | docker-registry.wikimedia.org/releng/bookworm:latest             | ALLOW
            docker-registry.wikimedia.org/bookworm                         | docker-registry.wikimedia.org/bookworm:latest                    | DENY_BASE
            docker-registry.wikimedia.org/bookworm:20240101                | docker-registry.wikimedia.org/bookworm:20240101                  | DENY_BASE
            docker-registry.wikimedia.org/bookworm@SHA                     | docker-registry.wikimedia.org/bookworm@SHA                       | DENY_BASE
            Docker-Registry.Wikimedia.Org/bullseye:latest                  | docker-registry.wikimedia.org/bullseye:latest                    | DENY_BASE
            docker-registry.wikimedia.org.evil.example/python3             | docker-registry.wikimedia.org.evil.example/python3:latest        | DENY_REGISTRY
            evil.example/docker-registry.wikimedia.org/python3             | evil.example/docker-registry.wikimedia.org/python3:latest        | DENY_REGISTRY
            docker-registry.wikimedia.org:443/python3                      | docker-registry.wikimedia.org:443/python3:latest                 | DENY_REGISTRY
            docker-registry.wikimedia.org:5000/python3                     | docker-registry.wikimedia.org:5000/python3:latest                | DENY_REGISTRY
            wikimedia.org/python3                                          | wikimedia.org/python3:latest                                     | DENY_REGISTRY
            registry.wikimedia.org/python3                                 | registry.wikimedia.org/python3:latest                            | DENY_REGISTRY
            nginx                                                          | docker.io/library/nginx:latest                                   | DENY_REGISTRY
            nginx:1.25                                                     | docker.io/library/nginx:1.25                                     | DENY_REGISTRY
            library/nginx                                                  | docker.io/library/nginx:latest                                   | DENY_REGISTRY
            docker.io/nginx                                                | docker.io/library/nginx:latest                                   | DENY_REGISTRY
            index.docker.io/library/nginx                                  | docker.io/library/nginx:latest                                   | DENY_REGISTRY
            bitnami/redis:7                                                | docker.io/bitnami/redis:7                                        | DENY_REGISTRY
            docker-registry/python3                                        | docker.io/docker-registry/python3:latest                         | DENY_REGISTRY
            debian@SHA                                                     | docker.io/library/debian@SHA                                     | DENY_REGISTRY
            localhost:5000/app                                             | localhost:5000/app:latest                                        | ALLOW
            localhost:5000/ns/app:1                                        | localhost:5000/ns/app:1                                          | ALLOW
            localhost/app                                                  | localhost/app:latest                                             | DENY_REGISTRY
            localhost:5001/app                                             | localhost:5001/app:latest                                        | DENY_REGISTRY
            127.0.0.1:5000/app                                             | 127.0.0.1:5000/app:latest                                        | DENY_REGISTRY
            [::1]:5000/app                                                 | [::1]:5000/app:latest                                            | DENY_REGISTRY
            registry.example/team/app                                      | registry.example/team/app:latest                                 | ALLOW
            registry.example/team/sub/app:2                                | registry.example/team/sub/app:2                                  | ALLOW
            registry.example/teamevil/app                                  | registry.example/teamevil/app:latest                             | DENY_REGISTRY
            registry.example/team                                          | registry.example/team:latest                                     | DENY_REGISTRY
            registry.example/other/app                                     | registry.example/other/app:latest                                | DENY_REGISTRY
            registry.example:443/team/app                                  | registry.example:443/team/app:latest                             | DENY_REGISTRY
            ghcr.io/org/app:1                                              | ghcr.io/org/app:1                                                | DENY_REGISTRY
            quay.io/prometheus/node-exporter                               | quay.io/prometheus/node-exporter:latest                          | DENY_REGISTRY
            gcr.io/distroless/static@SHA                                   | gcr.io/distroless/static@SHA                                     | DENY_REGISTRY
            Python3                                                        | -                                                                | INVALID
            docker-registry.wikimedia.org/python3:                         | -                                                                | INVALID
            docker-registry.wikimedia.org/                                 | -                                                                | INVALID
            docker-registry.wikimedia.org//python3                         | -                                                                | INVALID
            docker-registry.wikimedia.org/python3@sha256:abc               | -                                                                | INVALID
            docker-registry.wikimedia.org/${BASE_IMAGE}                    | -                                                                | INVALID
            docker-registry.wikimedia.org@evil.example/x                   | -                                                                | INVALID
            docker-registry.wikimedia.org/python3:a/b                      | -                                                                | INVALID
            """)
    void referenceTable(String reference, String normalised, Verdict verdict) {
        String ref = reference.replace("SHA", D);
        if (verdict == Verdict.INVALID) {
            assertThatThrownBy(() -> ImageReference.parse(ref)).isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(ImageReference.parse(ref).toString()).isEqualTo(normalised.replace("SHA", D));
        }
        Optional<Violation> v = POLICY.check(ref);
        switch (verdict) {
            case ALLOW -> assertThat(v).isEmpty();
            case DENY_REGISTRY -> assertThat(v).get().extracting(Violation::reason).asString().startsWith("is not from an allowed registry");
            case DENY_BASE -> assertThat(v).get().extracting(Violation::reason).asString().startsWith("is a base image");
            case INVALID -> assertThat(v).get().extracting(Violation::reason).asString().startsWith("is not a valid image reference");
        }
        v.ifPresent(violation -> assertThat(violation.reference()).isEqualTo(ref));
    }

    @Test
    void violationMessageNamesTheNormalisedReferenceAndTheAllowedRegistries() {
        Violation v = POLICY.check("nginx").orElseThrow().at("images/foo/Dockerfile.template", 3);
        assertThat(v).hasToString("images/foo/Dockerfile.template:3: image 'nginx' is not from an allowed registry:"
                + " it resolves to 'docker.io/library/nginx:latest' (registry 'docker.io');"
                + " allowed: docker-registry.wikimedia.org, localhost:5000, registry.example/team");
    }

    @Test
    void aBaseNamedWithoutARegistryIsDeniedUnderEveryAllowedRegistry() {
        // the case: no config, so no 'registry' to qualify the short name with
        RegistryPolicy p = RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org", "localhost:5000", "registry.example/team"),
                "", List.of("bookworm", "releng/trixie:1"));
        for (String denied : List.of("docker-registry.wikimedia.org/bookworm:20240101", "docker-registry.wikimedia.org/bookworm",
                "localhost:5000/bookworm@sha256:" + "a".repeat(64), "registry.example/team/bookworm:1",
                "docker-registry.wikimedia.org/releng/trixie:2")) {
            assertThat(p.denialReason(denied)).as(denied).hasValueSatisfying(r -> assertThat(r).contains("is a base image"));
        }
        for (String allowed : List.of("docker-registry.wikimedia.org/bookworm-extra:1", "docker-registry.wikimedia.org/other/bookworm:1",
                "docker-registry.wikimedia.org/trixie:1", "registry.example/team/app:1")) {
            assertThat(p.allows(allowed)).as(allowed).isTrue();
        }
    }

    @Test
    void aBaseNamedWithARegistryIsDeniedUnderTheOtherAllowedRegistriesToo() {
        RegistryPolicy p = RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org", "mirror.example:5000"),
                "docker-registry.wikimedia.org", List.of("docker-registry.wikimedia.org/bookworm:latest"));
        assertThat(p.allows("mirror.example:5000/bookworm:20240101")).isFalse();
        assertThat(p.allows("docker-registry.wikimedia.org/bookworm:20240101")).isFalse();
        assertThat(p.allows("mirror.example:5000/python3:1")).isTrue();
    }

    @Test
    void violationToStringWithoutLocation() {
        assertThat(new Violation(null, 0, "x", "is bad")).hasToString("image 'x' is bad");
        assertThat(new Violation("f", 0, "x", "is bad")).hasToString("f: image 'x' is bad");
    }

    @Test
    void buildPolicyDefaultsToTheConfiguredRegistryAndDeniesNothing() {
        RegistryPolicy p = RegistryPolicy.forBuild(new EngineConfig(Map.of("registry", "docker-registry.wikimedia.org",
                "base_images", List.of("docker-registry.wikimedia.org/bookworm:latest"))));
        assertThat(p.allows("docker-registry.wikimedia.org/bookworm:latest")).isTrue();
        assertThat(p.allows("debian:bookworm")).isFalse();
        assertThat(p.deniedRepositories()).isEmpty();
    }

    @Test
    void buildPolicyUsesAllowedRegistriesWhenSet() {
        RegistryPolicy p = RegistryPolicy.forBuild(new EngineConfig(Map.of("registry", "localhost:5000",
                "allowed_registries", List.of("docker-registry.wikimedia.org", "docker.io/library"))));
        assertThat(p.allows("debian:bookworm")).isTrue();
        assertThat(p.allows("bitnami/redis")).isFalse();
        assertThat(p.allows("localhost:5000/x")).isFalse();
    }

    @Test
    void noRegistryAtAllIsAConfigurationError() {
        assertThatThrownBy(() -> RegistryPolicy.forBuild(new EngineConfig(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed_registries");
    }

    @Test
    void allowedEntriesAreNormalised() {
        assertThat(AllowedRegistry.parse("https://Docker-Registry.Wikimedia.org/")).isEqualTo(new AllowedRegistry("docker-registry.wikimedia.org", ""));
        assertThat(AllowedRegistry.parse("docker-registry.wikimedia.org/releng/")).isEqualTo(new AllowedRegistry("docker-registry.wikimedia.org", "releng"));
        assertThat(AllowedRegistry.parse("index.docker.io")).isEqualTo(new AllowedRegistry("docker.io", ""));
        assertThat(AllowedRegistry.parse(" localhost:5000 ").prefix()).isEqualTo("localhost:5000/");
        assertThat(AllowedRegistry.parse("registry.example/team/sub").prefix()).isEqualTo("registry.example/team/sub/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "myregistry", "myregistry/path", "host.example/app:tag", "host.example/app@sha256:00",
            "user@host.example", "host.example//x", "bad_host.example", "host.example/UPPER"})
    void invalidAllowedEntriesAreRejected(String entry) {
        assertThatThrownBy(() -> AllowedRegistry.parse(entry)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidDeniedImageIsRejected() {
        assertThatThrownBy(() -> RegistryPolicy.of(List.of("r.example"), List.of("Bad Image")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("denied image 'Bad Image'");
    }

    @Test
    void duplicateAllowedEntriesCollapse() {
        RegistryPolicy p = RegistryPolicy.of(List.of("r.example", "R.example/", "https://r.example"), List.of());
        assertThat(p.allowedRegistries()).containsExactly(new AllowedRegistry("r.example", ""));
    }
}
