package org.imagetree.template;

import org.imagetree.InputError;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateRendererTest {
    private static final Path TEMPLATE = Path.of("images/foo/Dockerfile.template");
    private static final List<String> LABELS = List.of(
            "docker-registry.wikimedia.org/bookworm:20250101",
            "docker-registry.wikimedia.org/php8.1-fpm:8.1.30-1-20240929",
            "docker-registry.wikimedia.org/untagged",
            "docker-registry.wikimedia.org/ns/bookworm:1",
            "bookworm:1",
            "localhost:5000/golang1.22:1.22-1",
            "localhost:5000/ns/golang1.22:2.0-1");

    private final List<String> warnings = new ArrayList<>();

    private String render(Map<String, ?> config, String template) {
        return renderer(config).render(TEMPLATE, template).dockerfile();
    }

    private TemplateRenderer renderer(Map<String, ?> config) {
        return new TemplateRenderer(ConfigLoader.fromMap(config), LABELS, warnings::add);
    }

    private static Map<String, Object> wikimedia() {
        return Map.of("registry", "docker-registry.wikimedia.org");
    }

    // --- image_tag

    @ParameterizedTest(name = "registry={0} namespace={1}")
    @CsvSource(nullValues = "-", value = {
            "docker-registry.wikimedia.org, -, docker-registry.wikimedia.org/bookworm:20250101",
            "docker-registry.wikimedia.org, ns, docker-registry.wikimedia.org/ns/bookworm:1",
            "-, -, bookworm:1",
    })
    void imageTagGivesTheFullLabel(String registry, String namespace, String expected) {
        Map<String, Object> config = new java.util.HashMap<>();
        if (registry != null) config.put("registry", registry);
        if (namespace != null) config.put("namespace", namespace);
        assertThat(render(config, "FROM {{ \"bookworm\" | image_tag }}")).isEqualTo("FROM " + expected);
    }

    @Test
    void imageTagWorksWithARegistryPort() {
        assertThat(render(Map.of("registry", "localhost:5000"), "FROM {{ 'golang1.22' | image_tag }}"))
                .isEqualTo("FROM localhost:5000/golang1.22:1.22-1");
        assertThat(render(Map.of("registry", "localhost:5000", "namespace", "ns"), "FROM {{ 'golang1.22' | image_tag }}"))
                .isEqualTo("FROM localhost:5000/ns/golang1.22:2.0-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonexistent", "untagged", "bookworm:20250101"})
    void imageTagFailsForAnUnknownOrUntaggedImage(String name) {
        assertThatThrownBy(() -> render(wikimedia(), "FROM x\n\nFROM {{ '" + name + "' | image_tag }}"))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(TEMPLATE.toString());
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.problem()).isEqualTo("Image " + name + " not found, or it has no tag");
                });
    }

    /** A new namespace without moving base_images: the error says where image_tag looked and what it found elsewhere (issue 26). */
    @Test
    void imageTagNamesTheSameNamedImageUnderAnotherPath() {
        assertThatThrownBy(() -> render(Map.of("registry", "docker-registry.wikimedia.org", "namespace", "team"), "FROM {{ 'php8.1-fpm' | image_tag }}"))
                .isInstanceOfSatisfying(InputError.class, e -> assertThat(e.problem()).isEqualTo("Image php8.1-fpm not found, or it has no tag"
                        + " (image_tag looks for docker-registry.wikimedia.org/team/php8.1-fpm, from the config's registry and namespace;"
                        + " docker-registry.wikimedia.org/php8.1-fpm:8.1.30-1-20240929 is under another path: with a new namespace, move"
                        + " base_images to it too)"));
    }

    @Test
    void imageTagNamesAreRecordedPerRender() {
        TemplateRenderer renderer = renderer(wikimedia());
        RenderedTemplate first = renderer.render(TEMPLATE,
                "FROM {{ 'bookworm' | image_tag }} AS build\nFROM {{ 'php8.1-fpm' | image_tag }}");
        RenderedTemplate second = renderer.render(TEMPLATE, "FROM {{ 'bookworm' | image_tag }}");
        RenderedTemplate none = renderer.render(TEMPLATE, "FROM scratch");
        assertThat(first.imageTagNames()).containsExactly("bookworm", "php8.1-fpm");
        assertThat(second.imageTagNames()).containsExactly("bookworm");
        assertThat(none.imageTagNames()).isEmpty();
    }

    // --- upstream_version

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "php8.1-fpm:8.1.30-1-20240929, 8.1.30",
            "reg/foo:0.1.0-s2, 0.1.0",
            "reg/foo:0.0.4-20250727-s1-20260816, 0.0.4",
            "reg/foo:v20220915-3, v20220915",
            "reg/foo:1.2.3, 1.2.3",
            "localhost:5000/foo:2:1.0-1, 1.0",
    })
    void upstreamVersion(String label, String expected) {
        assertThat(render(Map.of(), "{{ '" + label + "' | upstream_version }}")).isEqualTo(expected);
    }

    @Test
    void upstreamVersionOfTheImageTagOutput() {
        assertThat(render(wikimedia(), "{{ 'php8.1-fpm' | image_tag | upstream_version }}")).isEqualTo("8.1.30");
    }

    @Test
    void upstreamVersionFailsWithoutATag() {
        assertThatThrownBy(() -> render(Map.of(), "{{ 'php8.1-fpm' | upstream_version }}"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("upstream_version")
                .hasMessageContaining("has no tag");
    }

    // --- apt_install / apt_remove (exact outputs of docker-pkg, image-pipeline.md 5.4)

    @Test
    void aptInstallWithoutProxy() {
        assertThat(render(Map.of(), "RUN {{ \"curl ca-certificates\" | apt_install }}\n")).isEqualTo("""
                RUN apt-get update  \\
                    && DEBIAN_FRONTEND=noninteractive \\
                    apt-get install  --yes curl ca-certificates --no-install-recommends \\
                    && apt-get clean && rm -rf /var/lib/apt/lists/* \
                """);
    }

    @Test
    void aptInstallWithHttpProxy() {
        assertThat(render(Map.of("http_proxy", "http://webproxy:8080"), "RUN {{ \"curl ca-certificates\" | apt_install }}"))
                .isEqualTo("""
                        RUN echo 'Acquire::http::Proxy "http://webproxy:8080";' > /etc/apt/apt.conf.d/80_proxy \\
                            && apt-get update  \\
                            && DEBIAN_FRONTEND=noninteractive \\
                            apt-get install  --yes curl ca-certificates --no-install-recommends \\
                            && rm -f /etc/apt/apt.conf.d/80_proxy \\
                            && apt-get clean && rm -rf /var/lib/apt/lists/* \
                        """);
    }

    @Test
    void aptInstallWithAptOnlyProxyAndOptions() {
        assertThat(render(Map.of("apt_only_proxy", "http://apt:3142", "apt_options", "-o Foo=bar"),
                "RUN {{ \"curl\" | apt_install }}"))
                .isEqualTo("""
                        RUN echo 'Acquire::http::Proxy "http://apt:3142";' > /etc/apt/apt.conf.d/80_proxy \\
                            && apt-get update -o Foo=bar \\
                            && DEBIAN_FRONTEND=noninteractive \\
                            apt-get install -o Foo=bar --yes curl --no-install-recommends \\
                            && rm -f /etc/apt/apt.conf.d/80_proxy \\
                            && apt-get clean && rm -rf /var/lib/apt/lists/* \
                        """);
    }

    @Test
    void aptInstallTurnsNewlinesIntoSpaces() {
        assertThat(render(Map.of(), "{{ 'a\nb\\nc' | apt_install }}")).contains("--yes a b c --no-install-recommends");
    }

    @Test
    void aptRemoveWithoutProxy() {
        assertThat(render(Map.of(), "RUN {{ \"curl\" | apt_remove }}")).isEqualTo("""
                RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get remove --yes --purge curl \\
                    && apt-get clean && rm -rf /var/lib/apt/lists/* \
                """);
    }

    @Test
    void aptRemoveWithAptOnlyProxy() {
        assertThat(render(Map.of("apt_only_proxy", "http://apt:3142"), "RUN {{ \"curl\" | apt_remove }}")).isEqualTo("""
                RUN echo 'Acquire::http::Proxy "http://apt:3142";' > /etc/apt/apt.conf.d/80_proxy  && \\apt-get update \
                && DEBIAN_FRONTEND=noninteractive apt-get remove --yes --purge curl \\
                    && rm -f /etc/apt/apt.conf.d/80_proxy \\
                    && apt-get clean && rm -rf /var/lib/apt/lists/* \
                """);
    }

    // --- uid / add_user

    @Test
    void uidOfAKnownUser() {
        assertThat(render(Map.of(), "USER {{ \"www-data\" | uid }}")).isEqualTo("USER 33");
        assertThat(warnings).isEmpty();
    }

    @Test
    void uidOfAnUnknownUserIsTheNameWithAWarning() {
        assertThat(render(Map.of(), "USER {{ \"unknown\" | uid }}")).isEqualTo("USER unknown");
        assertThat(warnings).containsExactly("UID mapping for user unknown not found");
    }

    @Test
    void addUser() {
        assertThat(render(Map.of("known_uid_mappings", Map.of("somebody", 900)), "RUN {{ \"somebody\" | add_user }}"))
                .isEqualTo("RUN groupadd -o -g 900 -r somebody && useradd -l -o -r -m -d /var/lib/somebody -g somebody -u 900 somebody");
    }

    @Test
    void addUserFailsForAnUnmappedUser() {
        assertThatThrownBy(() -> render(Map.of(), "RUN true\nRUN {{ \"somebody\" | add_user }}"))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.problem()).isEqualTo("No mapping found for user 'somebody'");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    // --- Jinja2 semantics

    @ParameterizedTest
    @ValueSource(strings = {"{{ nope }}", "{% if nope %}x{% endif %}", "{{ nope ~ 'x' }}", "{{ 'x' ~ nope }}",
            "{{ nope | apt_install }}", "{% set y = nope %}{{ y }}", "{% for x in nope %}{% endfor %}",
            "{{ nope.attr }}", "{{ nope | upper }}"})
    void undefinedVariablesAreErrors(String expression) {
        assertThatThrownBy(() -> render(Map.of(), "FROM scratch\n" + expression))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(TEMPLATE.toString());
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.problem()).isEqualTo("'nope' is undefined");
                });
    }

    @Test
    void undefinedVariablesCanBeTestedAndDefaulted() {
        String template = "{% set y = nope %}{% if nope is defined %}1{% endif %}{% if nope is undefined %}2{% endif %}"
                + "{% if registry is defined %}3{% endif %} {{ nope | default('d') }} {{ registry | default('d') }}"
                + " {% if nope is not defined %}ok{% endif %}";
        assertThat(render(wikimedia(), template)).isEqualTo("23 d docker-registry.wikimedia.org ok");
    }

    @Test
    void nullConfigValuesAreDefinedButFalse() {
        String template = "{% if http_proxy %}proxy{% else %}direct{% endif %} {% if apt_only_proxy %}apt{% endif %}[{{ ca_bundle }}]";
        assertThat(render(Map.of(), template)).isEqualTo("direct [None]");
        assertThat(render(Map.of("http_proxy", "http://p:8080"), template)).isEqualTo("proxy apt[None]");
    }

    @Test
    void aTemplateCannotChangeTheConfigSeenByLaterRenders() {
        TemplateRenderer renderer = renderer(Map.of("base_images", new ArrayList<>(List.of("a:1"))));
        try {
            renderer.render(TEMPLATE, "{% do base_images.append('b:2') %}");
        } catch (InputError expected) {
            // either refused or ignored; what matters is the next render
        }
        assertThat(renderer.render(TEMPLATE, "{{ base_images | join(',') }}").dockerfile()).isEqualTo("a:1");
    }

    @Test
    void credentialsAreNotVisibleToTemplates() {
        assertThatThrownBy(() -> render(Map.of("username", "prod-build", "password", "s3cret"), "{{ password }}"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("'password' is undefined")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ http_proxy | add_user }}", "{{ http_proxy.foo }}", "{{ apt_only_proxy | image_tag }}",
            "{{ 'curl' | apt_install | add_user }}", "{{ http_proxy ~ nope }}"})
    void errorsDoNotShowProxyCredentials(String template) {
        assertThatThrownBy(() -> render(Map.of("http_proxy", "http://bob:s3cret@proxy:8080"), template))
                .isInstanceOf(InputError.class)
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("bob");
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "FROM x\\n|FROM x",
            "FROM x\\n\\n|FROM x\\n",
            "FROM x|FROM x",
            "FROM x\\r\\nRUN y\\r\\n|FROM x\\nRUN y",
    })
    void exactlyOneTrailingNewlineIsDropped(String template, String expected) {
        assertThat(render(Map.of(), unescape(template))).isEqualTo(unescape(expected));
    }

    @Test
    void blockSetWithAFilter() {
        String template = """
                {% set packages|replace('\\n', ' ') -%}
                jq
                curl
                {%- endset -%}
                RUN {{ packages | apt_install }}
                """;
        assertThat(render(Map.of(), template)).startsWith("RUN apt-get update  \\\n")
                .contains("apt-get install  --yes jq curl --no-install-recommends");
    }

    @Test
    void noTrimBlocksNorLstripBlocks() {
        assertThat(render(Map.of(), "A\n  {% if true %}\nB\n  {% endif %}\nC\n")).isEqualTo("A\n  \nB\n  \nC");
    }

    @Test
    void whitespaceControl() {
        assertThat(render(Map.of(), "a  {%- if true -%}  \n b \n {%- endif -%}  \nc {{- 'd' -}} e {#- x -#} f"))
                .isEqualTo("abcdef");
    }

    /** Expected values are what Jinja2 3.1 renders (docker-pkg's engine): {@code Environment().from_string(t).render()}. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{#- c -#}\\nFROM x\\n | FROM x",
            "{# c -#}\\n\\n  FROM x | FROM x",
            "a\\n{#- c -#}\\nb | ab",
            "a {#- c #}\\n b | a\\n b",
            "a\\n  {#- c -#}  \\n  b | ab",
            "x {#- a -#} {#- b -#}\\n y | xy",
            "{{ 'x' -}} {# c #} y | x y",
            "a {# c #}  {{- 'x' }} | a x",
            "{% raw %}{#- kept -#}\\n{% endraw %}z | {#- kept -#}\\nz",
            "\"{{ '{#-' }} {{ '-#}' }}\" | {#- -#}",
    })
    void commentWhitespaceControlAsJinja2(String template, String expected) {
        assertThat(render(Map.of(), template.replace("\\n", "\n"))).isEqualTo(expected.replace("\\n", "\n"));
    }

    @Test
    void linesAfterATrimmingCommentKeepTheirNumbers() {
        assertThatThrownBy(() -> render(Map.of(), "{#- one\ntwo -#}\n\n\n{{ nosuchvariable }}"))
                .isInstanceOf(InputError.class).hasMessageContaining(":5:");
    }

    @Test
    void theExampleTreesCommentedTemplateStartsWithItsFrom() throws IOException {
        for (Path template : exampleTemplates()) {
            String source = Files.readString(template);
            if (!source.startsWith("{#")) continue;
            assertThat(new TemplateRenderer(ConfigLoader.fromMap(Map.of("registry", "127.0.0.1:5000")),
                    List.of("127.0.0.1:5000/runtime:1", "127.0.0.1:5000/tools:1", "127.0.0.1:5000/bookworm:latest"), warnings::add)
                    .render(template).dockerfile()).as(template.toString()).startsWith("FROM ");
        }
    }

    private static List<Path> exampleTemplates() throws IOException {
        Path images = Path.of("../examples/tree/images");
        try (var files = Files.walk(images)) {
            return files.filter(f -> f.getFileName().toString().equals("Dockerfile.template")).toList();
        }
    }

    @Test
    void setConcatenationListsJoinReplaceAndComments() {
        String template = """
                {# build options #}
                {% set opts = '-Xss64m' %}
                {% set opts = opts ~ ' ' ~ '-Dproxy=1' %}
                {% set pkgs = ['a', 'b'] + ['c'] %}
                {{ opts }}|{{ pkgs | join(' ') }}|{{ 'x-y' | replace('-', '_') }}|{{ registry }}
                """;
        assertThat(render(wikimedia(), template))
                .isEqualTo("\n\n\n\n-Xss64m -Dproxy=1|a b c|x_y|docker-registry.wikimedia.org");
    }

    @Test
    void backslashNewlineInAStringLiteralIsALineContinuation() {
        assertThat(render(Map.of(), "RUN {{ \"curl \\\n    git\" | apt_install }}"))
                .contains("--yes curl     git --no-install-recommends");
    }

    @Test
    void backslashNewlineOutsideTagsIsKept() {
        assertThat(render(Map.of(), "RUN a \\\n    b {{ 'c' }}")).isEqualTo("RUN a \\\n    b c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{% if true %}x", "{% endif %}", "{{ 'a' | nosuchfilter }}", "{% nosuchtag %}", "{{ 'a' ~ }}",
            "{{ 'a' | replace }}"})
    void syntaxErrorsNameTheFileAndLine(String broken) {
        assertThatThrownBy(() -> render(Map.of(), "FROM x\nRUN y\n" + broken))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(TEMPLATE.toString());
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.problem()).isNotBlank();
                });
    }

    @Test
    void rendersAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("Dockerfile.template");
        Files.writeString(file, "FROM {{ 'bookworm' | image_tag }}\nUSER {{ 'nobody' | uid }}\n");
        RenderedTemplate r = renderer(wikimedia()).render(file);
        assertThat(r.dockerfile()).isEqualTo("FROM docker-registry.wikimedia.org/bookworm:20250101\nUSER 65534");
        assertThat(r.imageTagNames()).containsExactly("bookworm");
    }

    @Test
    void missingFileIsAnInputError(@TempDir Path dir) {
        Path file = dir.resolve("Dockerfile.template");
        assertThatThrownBy(() -> renderer(Map.of()).render(file))
                .isInstanceOf(InputError.class)
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void rendersConcurrentlyWithSeparateImageTagRecords() throws Exception {
        TemplateRenderer renderer = renderer(wikimedia());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean php = i % 2 == 0;
                String name = php ? "php8.1-fpm" : "bookworm";
                results.add(pool.submit(() -> {
                    RenderedTemplate r = renderer.render(TEMPLATE, "FROM {{ '" + name + "' | image_tag }}\nUSER {{ 'nobody' | uid }}");
                    return r.imageTagNames().equals(List.of(name))
                            && r.dockerfile().equals("FROM " + (php ? LABELS.get(1) : LABELS.get(0)) + "\nUSER 65534");
                }));
            }
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    // --- force_numeric_user

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "FROM x|true",
            "FROM x\\nUSER 33|true",
            "FROM x\\nUSER 33:33|true",
            "FROM x\\nUSER   65534|true",
            "FROM x\\nUSER nobody|false",
            "FROM x\\nUSER 33:www-data|false",
            "'FROM x\\nUSER 33 '|false",
            "FROM a\\nUSER nobody\\nFROM b\\nUSER 0|true",
            "FROM a\\nUSER 0\\nFROM b\\nUSER root|false",
            "FROM x\\nUSER 0\\n  USER root|true",
            "FROM x\\nUSER 0\\nUSERNAME=root|true",
    })
    void hasNumericUser(String dockerfile, boolean expected) {
        assertThat(TemplateRenderer.hasNumericUser(unescape(dockerfile))).isEqualTo(expected);
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
