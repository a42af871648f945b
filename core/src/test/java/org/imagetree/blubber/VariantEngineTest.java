package org.imagetree.blubber;

import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.DockerCli;
import org.imagetree.policy.RegistryPolicyException;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both flavours built and pushed with the engine's credentials to a registry that requires Basic auth. */
@Tag("docker")
class VariantEngineTest {
    private static final String USER = "publisher";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final String CONFIG = """
            version: v4
            variants:
              hello:
                copies: [{from: local, source: hello.txt, destination: /hello.txt}]
                runs: {insecurely: true}
            """;
    static LocalRegistry registry;
    static ContainerEngine engine;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start(USER, PASSWORD);
        engine = TestEnvironment.engine();
    }

    @AfterAll
    static void stop() {
        if (engine != null) engine.close();
        if (registry != null) registry.close();
    }

    private static EngineConfig config(String password) {
        return ConfigLoader.fromMap(Map.of("registry", registry.host(), "username", USER, "password", password));
    }

    private static Set<String> tempDockerConfigs() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("imagetree-docker-config")).collect(Collectors.toSet());
        }
    }

    private void buildAndPublish(Path dir, CompileOptions.Flavour flavour) throws Exception {
        Files.writeString(dir.resolve("blubber.yaml"), CONFIG);
        Files.writeString(dir.resolve("hello.txt"), "hello " + flavour + "\n");
        DockerCli cli = DockerCli.locateWithBuildKit(System.getenv());
        VariantEngine variants = VariantEngine.forConfig(Optional.of(config(PASSWORD)), cli, engine);
        String repo = registry.host() + "/blubber/auth-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> before = tempDockerConfigs();
        List<String> log = new ArrayList<>();
        VariantBuild.Result r = new VariantBuild(variants, log::add).run(new VariantBuild.Request(dir.resolve("blubber.yaml"),
                "hello", null, List.of(repo + ":one"), Map.of(), null, true, CompileOptions.defaults().withFlavour(flavour)));
        try {
            assertThat(r.buildKit()).isEqualTo(flavour == CompileOptions.Flavour.BUILDKIT);
            String digest = r.references().get(0).digest();
            assertThat(digest).matches("sha256:[0-9a-f]{64}");
            String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + registry.host() + repo.substring(registry.host().length()).replaceFirst("^/", "/v2/") + "/manifests/one"))
                    .header("Authorization", "Basic " + basic)
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
            assertThat(String.join("\n", log)).contains("published " + repo + ":one@" + digest).doesNotContain(PASSWORD);
            assertThat(tempDockerConfigs()).as("temporary DOCKER_CONFIG directories left behind").isSubsetOf(before);
        } finally {
            cli.removeImage(repo + ":one");
        }
    }

    @Test
    void classicBuildsThroughDockerJavaAndPushesWithAuthConfig(@TempDir Path dir) throws Exception {
        buildAndPublish(dir, CompileOptions.Flavour.CLASSIC);
    }

    @Test
    void buildKitBuildsThroughTheCliAndPushesWithATemporaryDockerConfig(@TempDir Path dir) throws Exception {
        buildAndPublish(dir, CompileOptions.Flavour.BUILDKIT);
    }

    @Test
    void aWrongPasswordFailsThePushWithoutShowingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("blubber.yaml"), CONFIG);
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        String wrong = "wrong-" + UUID.randomUUID();
        DockerCli cli = DockerCli.locateWithBuildKit(System.getenv());
        VariantEngine variants = VariantEngine.forConfig(Optional.of(config(wrong)), cli, engine);
        String ref = registry.host() + "/blubber/denied:one";
        List<String> log = new ArrayList<>();
        try {
            assertThatThrownBy(() -> new VariantBuild(variants, log::add).run(new VariantBuild.Request(dir.resolve("blubber.yaml"),
                    "hello", null, List.of(ref), Map.of(), null, true, CompileOptions.defaults().withFlavour(CompileOptions.Flavour.BUILDKIT))))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
            assertThat(String.join("\n", log)).doesNotContain(wrong);
        } finally {
            cli.removeImage(ref);
        }
    }

    @Test
    void everyBaseIsCheckedBeforeBuildingNamingFileLineAndReference(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("blubber.yaml");
        Files.writeString(file, """
                version: v4
                base: docker-registry.example.org/bookworm:latest
                variants:
                  build:
                    base: docker.io/library/golang:1.22
                  common:
                    base: quay.io/acme/runtime:1
                  production:
                    includes: [common]
                    copies: [build]
                """);
        DockerCli cli = DockerCli.locateWithBuildKit(System.getenv());
        EngineConfig config = ConfigLoader.fromMap(Map.of("registry", "docker-registry.example.org"));
        VariantEngine variants = VariantEngine.forConfig(Optional.of(config), cli, null);
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> new VariantBuild(variants, log::add).run(new VariantBuild.Request(file, "production", null,
                List.of(), Map.of(), null, false, null)))
                .isInstanceOf(RegistryPolicyException.class)
                .hasMessageContaining(file + ":5: image 'docker.io/library/golang:1.22'")
                .hasMessageContaining(file + ":7: image 'quay.io/acme/runtime:1'");
        assertThat(log).as("nothing was built").isEmpty();
    }
}
