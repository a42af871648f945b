package org.imagetree.blubber.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagetree.blubber.config.ConfigDecoderTest.decode;

class ConfigValidatorTest {
    private static List<String> messages(String variantBody) {
        return ConfigValidator.validate(decode("version: v4\nvariants:\n  other: {}\n  abc:\n" + variantBody.indent(4)));
    }

    @Test
    void validConfigHasNoMessages() {
        assertThat(messages("base: debian:bookworm\ncopies: [local, other]\nincludes: [other]\n")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "includes: [other, nope]|includes[1]: references an unknown variant \"nope\"",
            "copies: [{source: a}]|from: is required",
            "copies: [{from: Not_Valid}]|from: \"Not_Valid\" is not a valid image reference or known variant",
            "base: Debian:Bookworm|base: \"Debian:Bookworm\" is not a valid image reference",
            "lives: {in: /foo/..}|in: \"/foo/..\" is not a valid absolute non-root path",
            "runs: {in: relative}|in: \"relative\" is not a valid absolute non-root path",
            "lives: {as: root}|as: \"root\" is not a valid user name",
            "runs: {as: ab}|as: \"ab\" is not a valid user name",
            "arguments: {1X: a, OK: b}|arguments: contains invalid environment variable names",
            "runs: {environment: {A: b, BB: c}}|environment: contains invalid environment variable names",
            "node: {env: 'not ok'}|env: \"not ok\" is not a valid Node environment name",
            "python: {poetry: {version: 1.5.1}}|version: \"1.5.1\" is not a valid Python package version specification",
            "apt: {packages: [Bad_Name]}|packages[default][0]: \"Bad_Name\" is not a valid Debian package name",
            "apt: {packages: {'123': [gcc]}}|packages[123]: \"123\" is not a valid Debian release name",
            "apt: {sources: [{url: 'http://a', distribution: '1'}]}|distribution: \"1\" is not a valid Debian release name",
            "apt: {sources: [{url: 'http://a'}]}|distribution: is required",
            "apt: {sources: [{distribution: x}]}|url: is required",
            "apt: {sources: [{url: 'ftp://a', distribution: x}]}|url: \"ftp://a\" is not a valid HTTP/HTTPS URL",
            "apt: {sources: [{url: 'http://a', distribution: x, components: ['_']}]}|components[0]: \"_\" is not a valid Debian component name",
            "apt: {proxies: [{source: 'http://a'}]}|url: is required",
            "apt: {proxies: [{url: 'http://p', source: 'gopher://a'}]}|source: \"gopher://a\" is not a valid HTTP/HTTPS URL",
            "copies: [{from: local, source: ../x}]|source: path must be relative when \"from\" is \"local\"",
            "copies: [{from: local, source: /x}]|source: path must be relative when \"from\" is \"local\"",
            "copies: [{from: other, destination: /x}]|source: is required if \"destination\" is also set",
            "copies: [other, other]|copies: cannot contain duplicates",
            "builder: {requirements: [a, a]}|requirements: cannot contain duplicates",
            "builder: {command: [x], mounts: [other, other]}|mounts: cannot contain duplicates",
            "builder: {command: [x], caches: [/a, /a]}|caches: cannot contain duplicates",
            "builder: {command: [x], caches: [{id: x}]}|destination: is required",
            "builder: {command: [x], caches: [{destination: /a, access: open}]}|access: \"open\" is not one of shared, locked, private",
            "builders: [{node: {}}, {node: {}}]|builders: contains disallowed repetitions of entries",
    })
    void blubbersMessages(String body, String message) {
        assertThat(messages(body.replace("\\n", "\n"))).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "lives: {in: '/srv/a\"pp'}|in: \"/srv/a\"pp\" contains characters that are not allowed",
            "python: {version: 'python3; rm -rf /'}|version: \"python3; rm -rf /\" contains characters that are not allowed",
            "python: {pip-version: '1$(id)'}|pip-version: \"1$(id)\" contains characters that are not allowed",
            "python: {venv: '/opt/`id`'}|venv: \"/opt/`id`\" contains characters that are not allowed",
            "apt: {packages: {'bookworm\"; id; \"': [gcc]}}|contains characters that are not allowed",
            "copies: [{from: local, source: 'a$(id)'}]|source: \"a$(id)\" contains characters that are not allowed",
            "copies: [{from: local, exclude: ['*.md; id']}]|exclude[0]: \"*.md; id\" contains characters that are not allowed",
            "builder: {command: [x], caches: ['/a/$(id)']}|destination: \"/a/$(id)\" contains characters that are not allowed",
    })
    void injectionAndEscapeGuards(String body, String message) {
        assertThat(messages(body)).anyMatch(m -> m.contains(message));
    }

    @Test
    void notAllowedWithMessages() {
        assertThat(messages("builders: [{custom: {command: [x]}}]\nnode: {}"))
                .contains("builders: is not allowed if any of field(s) \"node php python builder\" is declared/included");
        assertThat(messages("builder: {command: [x], script: y}")).containsExactly(
                "command: is not allowed if any of field(s) \"script\" is declared/included",
                "script: is not allowed if any of field(s) \"command\" is declared/included");
    }

    @Test
    void variablesAreAllowedInCachePaths() {
        assertThat(messages("builder: {command: [x], caches: ['${GOPATH}/pkg', '$GOCACHE']}")).isEmpty();
    }

    /** Blubber's message does not say which name; this one does, once per bad name, at its line (issue 25). */
    @Test
    void badVariantNamesAreNamed() {
        BlubberConfig c = decode("version: v4\nvariants:\n  ab: {}\n  good-one: {}\n  _x_: {}\n");
        assertThat(ConfigValidator.validate(c)).containsExactly("variants: contains a bad variant name \"ab\"",
                "variants: contains a bad variant name \"_x_\"");
        assertThatThrownBy(() -> ConfigValidator.validateOrThrow(c)).hasMessage(
                "blubber.yaml:3: variants: contains a bad variant name \"ab\"\nblubber.yaml:5: variants: contains a bad variant name \"_x_\"");
    }

    @Test
    void allFailuresAreReportedTogether() {
        assertThatThrownBy(() -> ConfigValidator.validateOrThrow(decode("version: v4\nvariants:\n  abc:\n    base: A\n    lives: {as: root}\n")))
                .isInstanceOfSatisfying(ValidationError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("blubber.yaml:4: base: \"A\" is not a valid image reference\n"
                            + "blubber.yaml:5: as: \"root\" is not a valid user name");
                    assertThat(e.exitCode()).isEqualTo(4);
                });
    }

    /** Every message is at the line of its value; inherited values are at the variant that inherits them. */
    @Test
    void problemsAreAtTheLinesOfTheirValues() {
        BlubberConfig c = decode("""
                version: v4
                variants:
                  build:
                    apt:
                      packages:
                        default: [ok, Bad_Name]
                      sources:
                        - url: 'ftp://a'
                          distribution: x
                    builders:
                      - custom:
                          command: [x]
                          caches:
                            - {destination: /a, access: open}
                    copies:
                      - from: Not_Valid
                    runs: {as: ab}
                """);
        assertThatThrownBy(() -> ConfigValidator.validateOrThrow(c)).hasMessage(String.join("\n",
                "blubber.yaml:16: from: \"Not_Valid\" is not a valid image reference or known variant",
                "blubber.yaml:6: packages[default][1]: \"Bad_Name\" is not a valid Debian package name",
                "blubber.yaml:8: url: \"ftp://a\" is not a valid HTTP/HTTPS URL",
                "blubber.yaml:14: access: \"open\" is not one of shared, locked, private",
                "blubber.yaml:17: as: \"ab\" is not a valid user name"));
    }

    @ParameterizedTest
    @CsvSource({"debian:bookworm,true", "docker-registry.wikimedia.org/golang1.21:1.21-1-20240609,true", "localhost:5000/a/b,true",
            "foo,true", "Foo,false", "a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,true", "a:,false", "-a,false"})
    void imageReferences(String ref, boolean valid) {
        assertThat(Rules.isImageRef(ref)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"gcc,true", "libc6-dev,true", "python3=3.11.2-1,true", "curl/bookworm-backports,true", "g,false", "a b,false", "x=abc,false"})
    void debianPackages(String name, boolean valid) {
        assertThat(Rules.isDebianPackage(name)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"==1.5.1,true", "'>=1,<2',true", "~=26.0,true", "1.5.1,false", "'==1 ; x',false"})
    void pythonVersionSpecs(String spec, boolean valid) {
        assertThat(Rules.isPythonVersionSpec(spec)).isEqualTo(valid);
    }
}
