package org.imagetree.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCheckerTest {
    private final PolicyChecker checker = new PolicyChecker(RegistryPolicy.of(List.of("docker-registry.wikimedia.org"), List.of()));

    /** The FROM forms of the production templates (reference 5.11), rendered with registry docker-registry.wikimedia.org. */
    @Test
    void renderedProductionFormsPass() {
        String rendered = """
                ARG BASE_IMAGE=amd-pytorch-common
                FROM docker-registry.wikimedia.org/bookworm:20240101 AS build
                RUN make
                FROM docker-registry.wikimedia.org/bullseye:latest
                FROM docker-registry.wikimedia.org/golang1.25
                FROM docker-registry.wikimedia.org/${BASE_IMAGE}
                FROM scratch
                FROM build AS final
                COPY --from=build /a /a
                """;
        assertThat(checker.checkDockerfile("images/x/Dockerfile.template", rendered)).isEmpty();
    }

    @Test
    void reportsEveryViolationWithFileLineAndReference() {
        String rendered = """
                FROM debian:bookworm AS build
                FROM docker-registry.wikimedia.org/bookworm
                FROM --platform=linux/amd64 ghcr.io/evil/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                FROM build
                """;
        List<Violation> violations = checker.checkDockerfile("images/x/Dockerfile.template", rendered);
        assertThat(violations).extracting(Violation::line).containsExactly(1, 3);
        assertThat(violations).extracting(Violation::reference)
                .containsExactly("debian:bookworm", "ghcr.io/evil/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(violations.get(0).toString()).startsWith("images/x/Dockerfile.template:1: image 'debian:bookworm' is not from an allowed registry");
    }

    @Test
    void argWithoutDefaultIsAViolationNamingTheArg() {
        List<Violation> violations = checker.checkDockerfile("t", """
                ARG BASE_IMAGE
                FROM docker-registry.wikimedia.org/${BASE_IMAGE}
                """);
        assertThat(violations).singleElement().hasToString(
                "t:2: image 'docker-registry.wikimedia.org/${BASE_IMAGE}' cannot be checked: cannot resolve ARG BASE_IMAGE"
                        + " (give it a default in an ARG before the first FROM)");
    }

    @Test
    void argDefaultPointingElsewhereIsCaught() {
        List<Violation> violations = checker.checkDockerfile("t", """
                ARG REG=docker-registry.wikimedia.org.evil.example
                FROM ${REG}/python3
                """);
        assertThat(violations).singleElement().extracting(Violation::reference).isEqualTo("docker-registry.wikimedia.org.evil.example/python3");
    }

    @Test
    void lineMappingTranslatesRenderedLines() {
        List<Violation> violations = checker.checkDockerfile("t", "RUN x\nFROM nginx\n", line -> line + 10);
        assertThat(violations).singleElement().extracting(Violation::line).isEqualTo(12);
    }

    @Test
    void unreadableFromIsReportedAtItsLine() {
        List<Violation> violations = checker.checkDockerfile("t", "\n\nFROM --platform=x\n");
        assertThat(violations).singleElement().hasToString("t:3: image 'FROM' cannot be checked: FROM without an image");
    }

    @Test
    void singleReferencesForBlubberAndBaseImages() {
        assertThat(checker.checkReference("blubber.yaml", 4, "docker-registry.wikimedia.org/python3-bookworm:0.1")).isEmpty();
        assertThat(checker.checkReference("blubber.yaml", 4, "scratch")).isEmpty();
        assertThat(checker.checkReference("blubber.yaml", 4, null)).isEmpty();
        assertThat(checker.checkReference("blubber.yaml", 4, "python:3.11")).get()
                .hasToString("blubber.yaml:4: image 'python:3.11' is not from an allowed registry: it resolves to"
                        + " 'docker.io/library/python:3.11' (registry 'docker.io'); allowed: docker-registry.wikimedia.org");
        assertThat(checker.checkReferences("config.yaml", List.of("debian:bookworm", "docker-registry.wikimedia.org/bookworm", "alpine")))
                .extracting(Violation::reference).containsExactly("debian:bookworm", "alpine");
    }

    @Test
    void requireNoneThrowsAnInputErrorListingAll() {
        List<Violation> violations = checker.checkDockerfile("t", "FROM nginx\nFROM alpine\n");
        assertThatThrownBy(() -> PolicyChecker.requireNone(violations))
                .isInstanceOf(RegistryPolicyException.class)
                .isInstanceOf(org.imagetree.InputError.class)
                .hasMessageStartingWith("2 registry policy violations:\nt:1: image 'nginx'")
                .hasMessageContaining("\nt:2: image 'alpine'")
                .satisfies(e -> assertThat(((RegistryPolicyException) e).violations()).hasSize(2));
        PolicyChecker.requireNone(List.of());
    }

    @Test
    void templateLinesAreReportedWhenTheFromsCorrespond() {
        String template = """
                {% set packages = ['a',
                   'b'] %}
                FROM {{ "bookworm" | image_tag }} AS build
                RUN {{ packages | apt_install }}
                FROM {{ "golang" | image_tag }}
                """;
        String rendered = """
                FROM docker-registry.wikimedia.org/bookworm:20240101 AS build
                RUN apt-get install a b
                FROM docker.io/library/golang:1.22
                """;
        assertThat(checker.checkTemplate("images/x/Dockerfile.template", template, rendered)).singleElement()
                .satisfies(v -> {
                    assertThat(v.file()).isEqualTo("images/x/Dockerfile.template");
                    assertThat(v.line()).isEqualTo(5);
                    assertThat(v.reference()).isEqualTo("docker.io/library/golang:1.22");
                });
    }

    @Test
    void conditionalFromsAreFoundInTheTemplate() {
        String template = """
                {% if http_proxy %}
                FROM docker-registry.wikimedia.org/x
                {% else %}
                FROM nginx
                {% endif %}
                """;
        assertThat(checker.checkTemplate("t", template, "\nFROM nginx\n")).singleElement()
                .hasToString("t:4: image 'nginx' is not from an allowed registry: it resolves to"
                        + " 'docker.io/library/nginx:latest' (registry 'docker.io'); allowed: docker-registry.wikimedia.org");
    }

    @Test
    void linesATemplateExpressionMadeFallBackToRenderedLines() {
        assertThat(checker.checkTemplate("t", "{{ body }}\n", "FROM nginx\nRUN true\n")).singleElement()
                .hasToString("t (rendered):1: image 'nginx' is not from an allowed registry: it resolves to"
                        + " 'docker.io/library/nginx:latest' (registry 'docker.io'); allowed: docker-registry.wikimedia.org");
    }

    @Test
    void everyImageABuildMayPullIsCheckedAtItsTemplateLine() {
        String template = """
                # syntax={{ syntax }}
                FROM {{ "bookworm" | image_tag }} AS build
                {% if x %}
                RUN true
                {% endif %}
                COPY --from=build /a /a
                COPY --from={{ foreign }} /b /b
                RUN --mount=type=bind,from=evil.example/tools:1,target=/t make
                ADD --from=1 /c /c
                ONBUILD COPY --from=onbuild.example/x /d /d
                FROM scratch
                COPY --from=0 /a /a
                """;
        String rendered = """
                # syntax=docker.io/docker/dockerfile:1
                FROM docker-registry.wikimedia.org/bookworm:20240101 AS build
                COPY --from=build /a /a
                COPY --from=127.0.0.1:5443/evil/x:1 /b /b
                RUN --mount=type=bind,from=evil.example/tools:1,target=/t make
                ADD --from=1 /c /c
                ONBUILD COPY --from=onbuild.example/x /d /d
                FROM scratch
                COPY --from=0 /a /a
                """;
        assertThat(checker.checkTemplate("t", template, rendered)).extracting(Violation::file, Violation::line, Violation::reference)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t", 1, "docker.io/docker/dockerfile:1"),
                        org.assertj.core.groups.Tuple.tuple("t", 7, "127.0.0.1:5443/evil/x:1"),
                        org.assertj.core.groups.Tuple.tuple("t", 8, "evil.example/tools:1"),
                        org.assertj.core.groups.Tuple.tuple("t", 10, "onbuild.example/x"));
        assertThat(checker.checkTemplate("t", template, rendered).get(1).toString())
                .startsWith("t:7: image '127.0.0.1:5443/evil/x:1' is not from an allowed registry");
    }

    @Test
    void anUnresolvedVariableInCopyFromCannotBeChecked() {
        assertThat(checker.checkDockerfile("f", """
                FROM docker-registry.wikimedia.org/bookworm
                ARG TOOLS
                COPY --from=$TOOLS /a /a
                """)).singleElement().hasToString("f:3: image '$TOOLS' cannot be checked (COPY --from): cannot resolve ARG TOOLS"
                + " (give it a default in an ARG of the stage)");
        assertThat(checker.checkDockerfile("f", """
                ARG TOOLS=docker-registry.wikimedia.org/tools
                FROM docker-registry.wikimedia.org/bookworm
                ARG TOOLS
                COPY --from=${TOOLS} /a /a
                """)).isEmpty();
    }
}
