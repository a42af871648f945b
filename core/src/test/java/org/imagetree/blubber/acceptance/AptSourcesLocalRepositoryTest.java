package org.imagetree.blubber.acceptance;

import org.imagetree.blubber.compile.BlubberCompiler;
import org.imagetree.blubber.compile.CompileOptions;
import org.imagetree.blubber.compile.CompiledDockerfile;
import org.imagetree.blubber.config.ConfigDecoder;
import org.imagetree.execute.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Blubber's scenarios 03-2 ("Install from additional APT sources", apt.wikimedia.org) and 03-3 ("Provide a
 * public key for an additional APT source", packages.microsoft.com) exercise, against APT repositories served on
 * loopback instead of those unreachable hosts: {@code apt.sources} with a URL, a distribution, components (one of
 * them two levels deep, like {@code thirdparty/amd-rocm54}) and a per-source {@code signed-by} key, and
 * {@code apt.packages} as a map with {@code default} and a target release ({@code apt-get install -t}). Built on
 * the real engine with host networking, from {@code debian:bookworm}.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AptSourcesLocalRepositoryTest {
    private static final String STABLE = "imagetree-stable";
    private static final String BACKPORTS = "imagetree-backports";

    private DockerCli docker;
    private LocalAptRepository repository;
    private LocalAptRepository.SigningKey stableKey;
    private LocalAptRepository.SigningKey backportsKey;

    @BeforeAll
    void publishRepositories() throws Exception {
        Path repo = Path.of(System.getProperty("imagetree.repo", ".")).toAbsolutePath();
        docker = DockerCli.locateWithBuildKit(System.getenv());
        assertThat(new BaseImages(docker, repo).ensure("debian:bookworm")).isTrue();
        stableKey = LocalAptRepository.SigningKey.generate("Image Tree stable test repository");
        backportsKey = LocalAptRepository.SigningKey.generate("Image Tree backports test repository");
        repository = new LocalAptRepository();
        // imagetree-hello is in both; the stable one is newer, so only "-t imagetree-backports" installs 1.0.
        repository.publish("stable", STABLE, "main", stableKey, List.of(
                new LocalAptRepository.Package("imagetree-default", "1.0", "/usr/share/doc/imagetree-default/copyright",
                        "Public domain test file\n"),
                new LocalAptRepository.Package("imagetree-hello", "2.0", "/usr/share/imagetree/hello",
                        "2.0 from " + STABLE + "\n")));
        repository.publish("backports", BACKPORTS, "thirdparty/local-test", backportsKey, List.of(
                new LocalAptRepository.Package("imagetree-hello", "1.0", "/usr/share/imagetree/hello",
                        "1.0 from " + BACKPORTS + "\n")));
    }

    @AfterAll
    void stopRepositories() throws Exception {
        if (repository != null) repository.close();
        if (stableKey != null) stableKey.close();
        if (backportsKey != null) backportsKey.close();
    }

    @Test
    void installsFromSignedSourcesWithComponentsAndATargetRelease() throws Exception {
        String config = config(stableKey.publicKey(), backportsKey.publicKey());
        String tag = "imagetree-blubber-test/apt-local-sources:latest";
        Path temp = Files.createTempDirectory("blubber-apt");
        try {
            build(config, temp, tag);
            ImageFiles files = new ImageFiles(docker, tag, temp);
            assertThat(files.entry("/usr/share/doc/imagetree-default/copyright")).as("default package's file").isNotNull();
            assertThat(files.read("/usr/share/imagetree/hello")).as("the target release's version was installed")
                    .isEqualTo("1.0 from " + BACKPORTS + "\n");
            String list = files.read("/etc/apt/sources.list.d/99blubber.list");
            String stableRing = "/etc/apt/keyrings/" + sha256(stableKey.publicKey()) + ".asc";
            String backportsRing = "/etc/apt/keyrings/" + sha256(backportsKey.publicKey()) + ".asc";
            assertThat(list).isEqualTo(
                    "deb [signed-by=" + stableRing + "] " + repository.url("stable") + " " + STABLE + " main\n"
                    + "deb [signed-by=" + backportsRing + "] " + repository.url("backports") + " " + BACKPORTS
                    + " thirdparty/local-test\n");
            assertThat(files.read(stableRing)).isEqualTo(stableKey.publicKey());
            assertThat(files.read(backportsRing)).isEqualTo(backportsKey.publicKey());
            assertThat(repository.requests()).contains(
                    "GET /stable/dists/" + STABLE + "/InRelease",
                    "GET /backports/dists/" + BACKPORTS + "/InRelease",
                    "GET /stable/pool/imagetree-default_1.0_all.deb",
                    "GET /backports/pool/imagetree-hello_1.0_all.deb")
                    .doesNotContain("GET /stable/pool/imagetree-hello_2.0_all.deb");
        } finally {
            docker.removeImage(tag);
            ImageFiles.deleteTree(temp);
        }
    }

    @Test
    void aSourceSignedByAnotherKeyThanItsSignedByFailsTheBuild() throws Exception {
        // Each source is given the other one's key: apt must refuse both, so the keys really bind per source.
        String config = config(backportsKey.publicKey(), stableKey.publicKey());
        String tag = "imagetree-blubber-test/apt-local-sources-wrong-key:latest";
        Path temp = Files.createTempDirectory("blubber-apt");
        try {
            assertThatThrownBy(() -> build(config, temp, tag))
                    .isInstanceOf(DockerCli.DockerException.class)
                    .satisfies(e -> assertThat(((DockerCli.DockerException) e).result().output())
                            .contains("NO_PUBKEY").contains("is not signed"));
            assertThat(docker.imageExists(tag)).isFalse();
        } finally {
            docker.removeImage(tag);
            ImageFiles.deleteTree(temp);
        }
    }

    private String config(String stableSignedBy, String backportsSignedBy) {
        return """
                version: v4
                variants:
                  build:
                    base: debian:bookworm
                    apt:
                      sources:
                        - url: %s
                          distribution: %s
                          components: [main]
                          signed-by: |
                %s
                        - url: %s
                          distribution: %s
                          components:
                            - thirdparty/local-test
                          signed-by: |
                %s
                      packages:
                        default: [imagetree-default]
                        %s: [imagetree-hello]
                """.formatted(repository.url("stable"), STABLE, indent(stableSignedBy), repository.url("backports"),
                BACKPORTS, indent(backportsSignedBy), BACKPORTS);
    }

    private static String indent(String text) {
        return text.lines().map(l -> l.isEmpty() ? "" : "              " + l).collect(Collectors.joining("\n"));
    }

    private void build(String config, Path temp, String tag) throws Exception {
        Path context = Files.createDirectories(temp.resolve("context"));
        Files.writeString(context.resolve("blubber.yaml"), config);
        CompiledDockerfile df = BlubberCompiler.compile(ConfigDecoder.readAndValidate(context.resolve("blubber.yaml")),
                "build", null, CompileOptions.defaults());
        docker.build(new DockerCli.BuildRequest(context, df.text(), List.of(tag), Map.of(), Map.of(), df.buildKit(), "", false),
                line -> { });
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
