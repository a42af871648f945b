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

    // ---------------------------------------------------------------- every image a build may pull

    private static List<String> pulled(String dockerfile) {
        return Dockerfiles.pulledImages(dockerfile).stream().map(u -> u.line() + " " + u.form() + " " + u.resolvedImage()).toList();
    }

    @Test
    void copyAndAddFromNameImagesUnlessTheyNameAStageOrAnIndex() {
        assertThat(pulled("""
                FROM registry.example/base:1 AS Build
                FROM registry.example/base:1
                COPY --from=build /a /a
                COPY --from=BUILD /a /a
                COPY --from=0 /a /a
                COPY --from=7 /a /a
                COPY --chown=1:1 --from=evil.example/x:1 /b /b
                ADD --from=docker.io/library/busybox /c /c
                COPY --from=later /d /d
                FROM scratch AS later
                COPY --from=later /e /e
                """)).containsExactly(
                "1 FROM registry.example/base:1",
                "2 FROM registry.example/base:1",
                "7 COPY --from evil.example/x:1",
                "8 ADD --from docker.io/library/busybox",
                "9 COPY --from later");
    }

    @Test
    void runMountFromInEveryMountAndEveryForm() {
        assertThat(pulled("""
                FROM registry.example/base AS tools
                RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=tools,target=/t \
                    --mount=type=bind,FROM=evil.example/a:1,target=/a \
                    --mount="type=bind,target=/b,from=evil.example/b" \
                    --mount=type=bind,"from=evil.example/c",target=/c make
                RUN --network=none ["sh", "-c", "--mount=from=not.a.flag/x"]
                """)).containsExactly(
                "1 FROM registry.example/base",
                "2 RUN --mount from= evil.example/a:1",
                "2 RUN --mount from= evil.example/b",
                "2 RUN --mount from= evil.example/c");
    }

    @Test
    void flagsAreSplitLikeBuildKitWithQuotesAndBackslashes() {
        Dockerfiles.Instruction copy = Dockerfiles.parse("COPY --fr\"om\"=\"evil.example/x y\" --link -- --from=z a b\n").instructions().get(0);
        assertThat(copy.flags()).containsExactly("from=evil.example/x y", "link");
        assertThat(copy.arguments()).isEqualTo("--from=z a b");
        assertThat(copy.flag("FROM")).containsExactly("evil.example/x y");
        assertThat(Dockerfiles.parse("COPY [\"--from=x\", \"/d\"]\n").instructions().get(0))
                .satisfies(i -> {
                    assertThat(i.flags()).isEmpty();
                    assertThat(i.json()).isTrue();
                });
    }

    @Test
    void onbuildTriggersAreCheckedWhereOnlyAnIndexIsNotAnImage() {
        assertThat(pulled("""
                FROM registry.example/base AS build
                ONBUILD COPY --from=build /a /a
                onbuild  ADD --from=1 /a /a
                ONBUILD RUN --mount=type=bind,from=evil.example/m,target=/m true
                ONBUILD FROM evil.example/never-a-trigger
                """)).containsExactly(
                "1 FROM registry.example/base",
                "2 ONBUILD COPY --from build",
                "4 ONBUILD RUN --mount from= evil.example/m");
        Dockerfiles.Instruction onbuild = Dockerfiles.parse("ONBUILD COPY --from=x a b\n").instructions().get(0);
        assertThat(onbuild.trigger().keyword()).isEqualTo("COPY");
        assertThat(onbuild.trigger().flag("from")).containsExactly("x");
    }

    @Test
    void syntaxDirectiveInEveryFormBuildKitDetects() {
        assertThat(pulled("# syntax=evil.example/frontend:1\nFROM scratch\n")).containsExactly("1 # syntax evil.example/frontend:1");
        assertThat(pulled("#   SYNTAX = evil.example/f  --opt\nFROM scratch\n")).containsExactly("1 # syntax evil.example/f");
        assertThat(pulled("# escape=`\n# syntax=evil.example/f\nFROM scratch\n")).containsExactly("2 # syntax evil.example/f");
        assertThat(pulled("#!/usr/bin/env buildctl\n# syntax=evil.example/f\nFROM scratch\n")).containsExactly("2 # syntax evil.example/f");
        assertThat(pulled("// syntax=evil.example/f\n")).containsExactly("1 # syntax evil.example/f");
        assertThat(pulled("{\"syntax\": \"evil.example/f\"}")).containsExactly("1 # syntax evil.example/f");
        // After a comment, a blank line, an unknown directive or an instruction it is only a comment.
        assertThat(pulled("# hello\n# syntax=evil.example/f\nFROM scratch\n")).isEmpty();
        assertThat(pulled("\n# syntax=evil.example/f\nFROM scratch\n")).isEmpty();
        assertThat(pulled("FROM scratch\n# syntax=evil.example/f\n")).isEmpty();
        assertThat(Dockerfiles.parse("# Syntax=x\n# escape=`\nFROM a\n").directives())
                .containsExactly(new Dockerfiles.Directive(1, "syntax", "x"), new Dockerfiles.Directive(2, "escape", "`"));
    }

    @Test
    void escapeDirectiveAppliesToEveryInstruction() {
        assertThat(pulled("""
                # escape=`
                FROM registry.example/base
                COPY `
                  --from=evil.example/x `
                  C:\\a C:\\b
                """)).containsExactly("2 FROM registry.example/base", "3 COPY --from evil.example/x");
    }

    @Test
    void continuationWithTrailingBlanksAndCommentsInside() {
        assertThat(pulled("FROM registry.example/base\nCOPY \\  \n# note\n\n  --from=evil.example/x /a /b\n"))
                .containsExactly("1 FROM registry.example/base", "2 COPY --from evil.example/x");
    }

    @Test
    void heredocBodiesAreCheckedAsWellBecauseOlderBuildersReadThemAsInstructions() {
        List<String> uses = pulled("""
                FROM registry.example/base
                RUN <<RUN
                FROM evil.example/hidden
                from x import y
                RUN
                COPY --from=registry.example/tools /a /a
                """);
        assertThat(uses).containsExactly("1 FROM registry.example/base", "3 FROM evil.example/hidden",
                "6 COPY --from registry.example/tools");
        // BuildKit's own reading skips the body.
        assertThat(Dockerfiles.froms("FROM a\nRUN <<EOF\nFROM b\nEOF\n")).extracting(FromInstruction::rawImage).containsExactly("a");
        assertThat(Dockerfiles.froms("FROM a\nONBUILD RUN <<EOF\nFROM b\nEOF\n")).extracting(FromInstruction::rawImage).containsExactly("a");
        assertThat(Dockerfiles.froms("FROM a\nRUN [\"sh\", \"<<EOF\"]\nFROM b\nEOF\n")).extracting(FromInstruction::rawImage)
                .containsExactly("a", "b");
        assertThat(Dockerfiles.froms("FROM a\nRUN echo x<<EOF\nFROM b\nEOF\n")).extracting(FromInstruction::rawImage)
                .containsExactly("a", "b");
    }

    @Test
    void stageArgsResolveFromAndMountValues() {
        List<Dockerfiles.ImageUse> uses = Dockerfiles.pulledImages("""
                ARG TOOLS=registry.example/tools:1
                FROM registry.example/base
                ARG TOOLS
                ARG OTHER=evil.example/o
                COPY --from=$TOOLS /a /a
                RUN --mount=from=${OTHER},target=/o true
                COPY --from=$UNSET /b /b
                """);
        assertThat(uses).extracting(Dockerfiles.ImageUse::resolvedImage)
                .containsExactly("registry.example/base", "registry.example/tools:1", "evil.example/o", "$UNSET");
        assertThat(uses.get(3).unresolvedArg()).isTrue();
    }

    @Test
    void fromScratchAndStagesPullNothing() {
        assertThat(pulled("FROM scratch AS a\nFROM a\nCOPY --from=a / /\n")).isEmpty();
    }
}
