package org.imagetree.blubber.compile;

import org.imagetree.blubber.config.Artifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequirementsTest {
    private static Artifact local(String source, String dest) { return new Artifact("local", source, dest, List.of()); }

    @ParameterizedTest
    @CsvSource({"foo/../bar//,bar/", "'',./", ".,./", "main.c,main.c", "./src/,src/", "/,/"})
    void normalizedSources(String in, String out) {
        assertThat(Requirements.normalizedSource(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"./src/,'',./src/", "main.c,'',./", "docs/requirements.txt,'',docs/", "a.txt,lib,lib", "src/,lib,lib/", "a.txt,lib/,lib/"})
    void normalizedDestinations(String source, String dest, String out) {
        assertThat(Requirements.normalizedDestination(local(source, dest))).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"requirements.txt,'',requirements.txt", "docs/requirements.txt,'',docs/requirements.txt", "bar,./,bar",
            "requirements.txt,.,requirements.txt", "docs/requirements.txt,.,requirements.txt", "requirements.txt,/srv/app/,/srv/app/requirements.txt"})
    void effectiveDestinations(String source, String dest, String out) {
        assertThat(Requirements.effectiveDestination(local(source, dest))).isEqualTo(out);
    }

    @Test
    void groupedByFromThenDestination() {
        List<CopyGroup> groups = Requirements.group(List.of(local(".git", ""), local("Makefile", ""), local("go.mod", ""),
                local("go.sum", ""), local("api/", ""), local("build/", ""), new Artifact("other", "x", "", List.of())));
        assertThat(groups).containsExactly(
                new CopyGroup("", List.of(".git", "Makefile", "go.mod", "go.sum"), "./", List.of()),
                new CopyGroup("", List.of("api/"), "api/", List.of()),
                new CopyGroup("", List.of("build/"), "build/", List.of()),
                new CopyGroup("other", List.of("x"), "./", List.of()));
    }
}
