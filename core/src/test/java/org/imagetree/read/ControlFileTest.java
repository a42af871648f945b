package org.imagetree.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileTest {
    @TempDir Path tmp;

    private Path control(String text) {
        return TestFiles.write(tmp.resolve("control"), text);
    }

    @Test
    void buildDependsComeBeforeDependsInEveryParagraphLikeDockerPkg() {
        Path f = control("""
                Package: spark3.1
                Depends: openjdk-11-jre, shared
                Build-Depends: spark3.1-build
                # a comment inside the paragraph
                Maintainer: Someone <x@y>

                Package: second
                depends: shared,
                 tail-a ,tail-b,
                \tlast
                BUILD-DEPENDS: spark3.1-build
                """);
        assertThat(ControlFile.dependencies(f))
                .containsExactly("spark3.1-build", "openjdk-11-jre", "shared", "tail-a", "tail-b", "last");
    }

    @Test
    void parsesParagraphsFieldsAndContinuations() {
        ControlFile c = ControlFile.read(control("\n\nPackage: haproxy\nDescription: Basic.\n More text.\n\n\n"
                + "Maintainer: SRE <sre@x>\n"));
        assertThat(c.paragraphs()).hasSize(2);
        ControlFile.Field d = c.paragraphs().get(0).field("description").orElseThrow();
        assertThat(d.value()).isEqualTo("Basic.\nMore text.");
        assertThat(d.line()).isEqualTo(4);
        assertThat(c.paragraphs().get(1).field("MAINTAINER").orElseThrow().line()).isEqualTo(8);
        assertThat(c.dependencies()).isEmpty();
    }

    @Test
    void versionConstraintsArchitecturesAndProfilesAreStripped() {
        Path f = control("Depends: foo (>= 1.0), bar(=2), baz [amd64], qux <!nocheck>, ,  ,foo\n");
        assertThat(ControlFile.dependencies(f)).containsExactly("foo", "bar", "baz", "qux");
    }

    @Test
    void alternativesAreAnErrorOnTheirLine() {
        Path f = control("Package: x\nDepends: a,\n b | c\n");
        assertThatThrownBy(() -> ControlFile.dependencies(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":3: alternatives are not supported in Depends: b | c");
    }

    @Test
    void invalidDependencyIsAnError() {
        Path f = control("Build-Depends: foo (>= 1.0\n");
        assertThatThrownBy(() -> ControlFile.dependencies(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":1: invalid dependency in Build-Depends: foo (>= 1.0");
    }

    @Test
    void lineWithoutColonIsAnError() {
        Path f = control("Package: x\nthis has no colon\n");
        assertThatThrownBy(() -> ControlFile.read(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":2: malformed line (expected 'Field: value'): this has no colon");
    }

    @Test
    void continuationBeforeFirstFieldIsAnError() {
        Path f = control("Package: x\n\n  orphan continuation\n");
        assertThatThrownBy(() -> ControlFile.read(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":3: continuation line before the first field: orphan continuation");
    }

    @Test
    void duplicateFieldIgnoringCaseIsAnError() {
        Path f = control("Depends: a\ndepends: b\n");
        assertThatThrownBy(() -> ControlFile.read(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ":2: duplicate field depends (also on line 1)");
    }

    @Test
    void missingFileIsAnInputError() {
        Path f = tmp.resolve("control");
        assertThatThrownBy(() -> ControlFile.read(f)).isInstanceOf(InputError.class)
                .hasMessage(f + ": control file not found");
    }

    @Test
    void haproxyHasTwoParagraphs() {
        ControlFile c = ControlFile.read(TestFiles.productionImages().resolve("haproxy/control"));
        assertThat(c.paragraphs()).hasSize(2);
        assertThat(c.paragraphs().get(1).field("Maintainer")).isPresent();
    }
}
