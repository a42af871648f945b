package org.imagetree.template;

import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Templates are a sandbox: they read only their image directory and cannot build huge strings. */
class TemplateSandboxTest {
    @TempDir Path tree;

    private Path template() throws IOException {
        Path dir = Files.createDirectories(tree.resolve("images/foo"));
        return dir.resolve("Dockerfile.template");
    }

    private String render(String source) throws IOException {
        TemplateRenderer renderer = new TemplateRenderer(
                ConfigLoader.fromMap(Map.of("registry", "docker-registry.example.org")), List.of(), w -> {});
        return renderer.render(template(), source).dockerfile();
    }

    private void assertRefused(String source, String problem) throws IOException {
        Path file = template();
        assertThatThrownBy(() -> render(source))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.problem()).contains(problem);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{% include 'META-INF/MANIFEST.MF' %}",
            "{% import 'META-INF/MANIFEST.MF' as m %}",
            "{% from 'META-INF/MANIFEST.MF' import x %}",
            "{% include 'org/imagetree/config/ConfigLoader.class' %}",
    })
    void classPathResourcesAreNotTemplates(String source) throws IOException {
        assertRefused(source, "no such template in the image directory");
    }

    @Test
    void templatesOfTheImageDirectoryCanBeIncludedAsInDockerPkg() throws IOException {
        Path dir = template().getParent();
        Files.writeString(dir.resolve("common.j2"), "RUN echo {{ registry }}");
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/macros.j2"), "{% macro hello(who) %}RUN echo hello {{ who }}{% endmacro %}");
        assertThat(render("FROM x\n{% include 'common.j2' %}\n{% from 'lib/macros.j2' import hello %}{{ hello('a') }}\n"
                + "{% import './lib/macros.j2' as m %}{{ m.hello('b') }}"))
                .isEqualTo("FROM x\nRUN echo docker-registry.example.org\nRUN echo hello a\nRUN echo hello b");
        // Jinja2's FileSystemLoader takes '/common.j2' relative to its directory too
        assertThat(render("{% include '/common.j2' %}")).isEqualTo("RUN echo docker-registry.example.org");
    }

    @Test
    void namesWithDotDotAreRefusedAsByJinja2() throws IOException {
        template();
        Files.writeString(tree.resolve("images/secret"), "s3cr3t");
        assertRefused("{% include '../secret' %}", "may not contain '..'");
        assertRefused("{% include 'x/../../secret' %}", "may not contain '..'");
    }

    @Test
    void aSymlinkOutOfTheImageDirectoryIsNotFollowed() throws IOException {
        Path outside = Files.writeString(tree.resolve("outside.txt"), "host secret");
        Files.createSymbolicLink(template().getParent().resolve("leak"), outside);
        assertRefused("{% include 'leak' %}", "resolves outside the image directory");
    }

    @Test
    void aSymlinkInsideTheImageDirectoryWorks() throws IOException {
        Path dir = template().getParent();
        Files.writeString(dir.resolve("real.j2"), "RUN true");
        Files.createSymbolicLink(dir.resolve("alias.j2"), Path.of("real.j2"));
        assertThat(render("{% include 'alias.j2' %}")).isEqualTo("RUN true");
    }

    @Test
    void anIncludedFileOverTheLimitIsRefused() throws IOException {
        Files.writeString(template().getParent().resolve("big.j2"), "x".repeat(TemplateLimits.MAX_CHARS + 1));
        assertRefused("{% include 'big.j2' %}", "is over " + TemplateLimits.MAX_CHARS + " bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ registry.repeat(100000000) }}",
            "{{ 'x'|center(100000000) }}",
            "{{ 'a\\nb'|indent(100000000) }}",
            "{{ '%0100000000d'|format(1) }}",
            "{{ '%0100000000d'.formatted(1) }}",
            "{{ registry.concat(registry.repeat(40000)) }}",
            "{{ registry.repeat(40000).replace('', registry) }}",
            "{{ registry.repeat(30000)|replace('e', registry) }}",
            "{{ registry.repeat(30000).replaceAll('e', '$0$0$0$0$0$0$0$0') }}",
    })
    void amplifyingOperationsAreRefusedBeforeTheyRun(String source) throws IOException {
        assertRefused(source, "over the limit of " + TemplateLimits.MAX_CHARS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{% for i in range(1000) %}{% for j in range(1000) %}{{ registry }}{% endfor %}{% endfor %}",
            "{{ range(1000)|join(registry.repeat(40)) }}",
    })
    void aRenderedTemplateOverTheLimitIsRefused(String source) throws IOException {
        assertRefused(source, "over the limit of " + TemplateLimits.MAX_CHARS + " characters");
    }

    @Test
    void listsAreBounded() throws IOException {
        assertRefused("{{ [1]|batch(100000000, 'x')|list|length }}", "over the limit of " + TemplateLimits.MAX_ITEMS);
    }

    @Test
    void ordinaryUsesOfTheSameOperationsStillWork() throws IOException {
        assertThat(render("{{ registry|replace('.', '-') }} {{ '%05d'|format(42) }} {{ 'ab'.repeat(2) }} [{{ 'x'|center(5) }}]"))
                .isEqualTo("docker-registry-example-org 00042 abab [  x  ]");
    }
}
