package org.imagetree.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.imagetree.model.Dockerfiles.FromInstruction;
import org.imagetree.model.Dockerfiles.Kind;
import org.junit.jupiter.api.Test;

class DockerfilesTest {

    @Test
    void plainFromWithLineNumbers() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                # a comment
                FROM docker-registry.wikimedia.org/bookworm:20240101

                RUN true
                """);
        assertThat(froms).containsExactly(new FromInstruction(2, "docker-registry.wikimedia.org/bookworm:20240101",
                "docker-registry.wikimedia.org/bookworm:20240101", null, Kind.IMAGE, false));
    }

    @Test
    void multiStageWithAliasesStageReferencesAndScratch() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM docker-registry.wikimedia.org/golang1.19:1.19-1 AS build
                RUN go build
                from Build as second
                FROM scratch
                COPY --from=build /out /out
                FROM registry.example/other AS final
                """);
        assertThat(froms).extracting(FromInstruction::line).containsExactly(1, 3, 4, 6);
        assertThat(froms).extracting(FromInstruction::kind).containsExactly(Kind.IMAGE, Kind.STAGE, Kind.SCRATCH, Kind.IMAGE);
        assertThat(froms).extracting(FromInstruction::stageName).containsExactly("build", "second", null, "final");
    }

    @Test
    void stageNameOnlyCountsWhenDefinedEarlier() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM build
                FROM debian AS build
                """);
        assertThat(froms.get(0).kind()).isEqualTo(Kind.IMAGE);
    }

    @Test
    void keywordsAreCaseInsensitiveAndPlatformFlagsAreSkipped() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                fRoM --platform=$BUILDPLATFORM  golang:1.22   aS   builder
                """);
        assertThat(froms.get(0).rawImage()).isEqualTo("golang:1.22");
        assertThat(froms.get(0).stageName()).isEqualTo("builder");
        assertThat(froms.get(0).unresolvedArg()).isFalse();
    }

    @Test
    void globalArgDefaultsAreSubstitutedInBothSyntaxes() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                ARG REGISTRY=docker-registry.wikimedia.org
                ARG BASE_IMAGE=amd-pytorch-common
                ARG FULL="${REGISTRY}/$BASE_IMAGE"
                FROM ${REGISTRY}/${BASE_IMAGE}
                FROM $REGISTRY/${BASE_IMAGE}:1.0
                FROM ${FULL}
                FROM ${MISSING:-docker-registry.wikimedia.org/bookworm}
                """);
        assertThat(froms).extracting(FromInstruction::resolvedImage).containsExactly(
                "docker-registry.wikimedia.org/amd-pytorch-common",
                "docker-registry.wikimedia.org/amd-pytorch-common:1.0",
                "docker-registry.wikimedia.org/amd-pytorch-common",
                "docker-registry.wikimedia.org/bookworm");
        assertThat(froms).noneMatch(FromInstruction::unresolvedArg);
        assertThat(froms.get(0).rawImage()).isEqualTo("${REGISTRY}/${BASE_IMAGE}");
    }

    @Test
    void argWithoutDefaultOrUndeclaredStaysUnresolved() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                ARG BASE_IMAGE
                FROM docker-registry.wikimedia.org/${BASE_IMAGE}
                FROM $NEVER_DECLARED
                """);
        assertThat(froms).allMatch(FromInstruction::unresolvedArg);
        assertThat(froms.get(0).resolvedImage()).isEqualTo("docker-registry.wikimedia.org/${BASE_IMAGE}");
        assertThat(froms).allMatch(f -> f.kind() == Kind.IMAGE);
    }

    @Test
    void argsAfterTheFirstFromAreNotGlobal() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM debian AS one
                ARG LATER=evil.example/x
                FROM ${LATER}
                """);
        assertThat(froms.get(1).unresolvedArg()).isTrue();
    }

    @Test
    void lineContinuationsAndCommentsInsideThemKeepTheStartLine() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                RUN apt-get update && \\
                # a comment inside the continuation
                    apt-get install -y foo

                FROM \\
                  --platform=linux/amd64 \\
                  docker-registry.wikimedia.org/bookworm \\
                  AS base
                """);
        assertThat(froms).containsExactly(new FromInstruction(5, "docker-registry.wikimedia.org/bookworm",
                "docker-registry.wikimedia.org/bookworm", "base", Kind.IMAGE, false));
    }

    @Test
    void escapeParserDirectiveChangesTheContinuationCharacter() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                # escape=`
                # syntax=docker/dockerfile:1
                FROM `
                  mcr.microsoft.com/windows/servercore:ltsc2022
                """);
        assertThat(froms).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(3);
            assertThat(f.rawImage()).isEqualTo("mcr.microsoft.com/windows/servercore:ltsc2022");
        });
    }

    @Test
    void directiveAfterAnInstructionIsJustAComment() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM a
                # escape=`
                FROM b `
                """);
        assertThat(froms).extracting(FromInstruction::rawImage).containsExactly("a", "b");
    }

    @Test
    void windowsLineEndings() {
        List<FromInstruction> froms = Dockerfiles.froms("ARG X=debian\r\nFROM $X AS s\r\nFROM s\r\n");
        assertThat(froms).extracting(FromInstruction::resolvedImage).containsExactly("debian", "s");
        assertThat(froms.get(1).kind()).isEqualTo(Kind.STAGE);
    }

    @Test
    void keywordsEndAtAnyWhitespaceAndOnlyLineFeedsEndLines() {
        // A tab after the keyword, blank lines with CR LF, and a lone CR inside a line (not a line end, as in split("\\r?\\n")).
        List<FromInstruction> froms = Dockerfiles.froms("ARG\tV=1\r\n\r\nFROM\tbase:$V\r\nRUN echo a\rFROM x\nFROM\u000Bother\n");
        assertThat(froms).extracting(FromInstruction::resolvedImage).containsExactly("base:1", "other");
        assertThat(froms).extracting(FromInstruction::line).containsExactly(3, 5);
    }

    @Test
    void fromWithoutImageIsRejectedWithItsLine() {
        assertThatThrownBy(() -> Dockerfiles.froms("\nFROM --platform=linux/amd64\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2:");
    }

    @Test
    void noFromAtAll() {
        assertThat(Dockerfiles.froms("")).isEmpty();
        assertThat(Dockerfiles.froms("# just a comment\n")).isEmpty();
    }

    @Test
    void heredocBodiesAreNotInstructions() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM docker-registry.wikimedia.org/bookworm AS base
                RUN <<EOF
                FROM evil.example/inside-a-heredoc
                EOF
                COPY <<-"EOT" /etc/Dockerfile.inner
                \tFROM evil.example/also-inside
                \tEOT
                RUN cat <<A <<'B' > /x
                FROM one
                A
                FROM two
                B
                FROM base
                """);
        assertThat(froms).extracting(FromInstruction::rawImage).containsExactly("docker-registry.wikimedia.org/bookworm", "base");
        assertThat(froms.get(1).line()).isEqualTo(13);
    }

    @Test
    void shiftOperatorOutsideRunIsNotAHeredoc() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                LABEL note="a <<EOF b"
                FROM debian
                """);
        assertThat(froms).extracting(FromInstruction::rawImage).containsExactly("debian");
    }

    @Test
    void quotedOrUnterminatedHeredocMarkersHideNothing() {
        List<FromInstruction> froms = Dockerfiles.froms("""
                FROM docker-registry.wikimedia.org/bookworm
                RUN echo "<<X" '<<Y'
                FROM evil.example/after-quoted-marker
                X
                RUN cat <<NEVER_CLOSED
                FROM evil.example/after-unterminated
                """);
        assertThat(froms).extracting(FromInstruction::rawImage)
                .containsExactly("docker-registry.wikimedia.org/bookworm", "evil.example/after-quoted-marker", "evil.example/after-unterminated");
    }
}
