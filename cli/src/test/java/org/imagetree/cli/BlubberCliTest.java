package org.imagetree.cli;

import org.imagetree.blubber.acceptance.BaseImagesAccess;
import org.imagetree.execute.DockerCli;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code imagetree blubber compile|build|pipeline} and {@code policy check blubber.yaml}, in process. */
class BlubberCliTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void compilePrintsTheDockerfileInEitherFlavour() throws IOException {
        Path file = write("blubber.yaml", """
                version: v4
                base: debian:bookworm
                apt: {packages: [curl]}
                variants:
                  build:
                    builder:
                      command: [make]
                      caches: [{destination: /root/.cache}]
                  production:
                    copies: [{from: build, source: /srv/app, destination: /srv/app}]
                """);
        CliRun auto = CliRun.of("blubber", "compile", file.toString(), "production");
        assertThat(auto.exitCode()).as(auto.all()).isZero();
        assertThat(auto.out()).contains("FROM debian:bookworm AS build", "FROM debian:bookworm AS production",
                "LABEL blubber.variant=\"production\"", "blubber.version=");
        CliRun classic = CliRun.of("blubber", "compile", "--classic", file.toString(), "production");
        assertThat(classic.exitCode()).as(classic.all()).isZero();
        assertThat(classic.out()).doesNotContain("--mount");
        CliRun buildKit = CliRun.of("blubber", "compile", "--buildkit", file.toString(), "production");
        assertThat(buildKit.exitCode()).as(buildKit.all()).isZero();
        assertThat(buildKit.out()).contains("RUN --mount");
    }

    @Test
    void configAndPolicyErrorsExitWithBlubbersCodesAndNoStackTrace() throws IOException {
        Path file = write("blubber.yaml", "version: v4\nvariants:\n  hello:\n    runs: {insecurely: true}\n");
        Path policy = write("policy.yaml", "enforcements:\n  - {path: variants.hello.runs.insecurely, rule: isfalse}\n");
        CliRun violation = CliRun.of("blubber", "compile", "-p", policy.toString(), file.toString(), "hello");
        assertThat(violation.exitCode()).as(violation.all()).isEqualTo(6);
        CliRun unknownVariant = CliRun.of("blubber", "compile", file.toString(), "nope");
        assertThat(unknownVariant.exitCode()).as(unknownVariant.all()).isEqualTo(3);
        Path bad = write("bad.yaml", "version: v4\nvariants:\n  hello:\n    bogus: 1\n");
        CliRun read = CliRun.of("blubber", "compile", bad.toString(), "hello");
        assertThat(read.exitCode()).as(read.all()).isEqualTo(2);
        assertThat(read.err()).startsWith("error: " + bad + ":4: ").doesNotContain("Exception").doesNotContain("\tat ");
        Path invalid = write("invalid.yaml", "version: v4\nvariants:\n  hello: {base: UPPER}\n");
        assertThat(CliRun.of("blubber", "compile", invalid.toString(), "hello").exitCode()).isEqualTo(4);
    }

    @Test
    void policyCheckReportsEveryBlubberBaseWithLine() throws IOException {
        Path config = write("config.yaml", "registry: docker-registry.example.org\n");
        Path file = write("blubber.yaml", """
                version: v4
                base: docker-registry.example.org/bookworm:latest
                variants:
                  build:
                    base: golang:1.22
                  test:
                    base: quay.io/acme/tester:1
                  production:
                    copies: [build]
                """);
        CliRun r = CliRun.of("-c", config.toString(), "policy", "check", file.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains(file + ":5: image 'golang:1.22'").contains(file + ":7: image 'quay.io/acme/tester:1'")
                .contains("2 violation(s)");
        CliRun build = CliRun.of("-c", config.toString(), "blubber", "build", file.toString(), "production");
        assertThat(build.exitCode()).as(build.all()).isEqualTo(2);
        assertThat(build.err()).contains("registry policy violation").contains(file + ":5: image 'golang:1.22'");
    }

    @Test
    void policyCheckReportsCopiesRequirementsAndMountsFromImages() throws IOException {
        Path config = write("config.yaml", "registry: docker-registry.example.org\n");
        Path file = write("blubber.yaml", """
                version: v4
                base: docker-registry.example.org/bookworm:latest
                variants:
                  build:
                    builder:
                      command: [make]
                      requirements: [{from: quay.io/acme/sources:1, source: /src, destination: .}]
                      mounts: [{from: 127.0.0.1:5443/evil/tools:1, destination: /tools}]
                  production:
                    copies:
                      - build
                      - from: docker.io/library/busybox:1
                        source: /bin/busybox
                        destination: /bin/busybox
                """);
        CliRun r = CliRun.of("-c", config.toString(), "policy", "check", file.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains(file + ":7: image 'quay.io/acme/sources:1' is not from an allowed registry")
                .contains(file + ":8: image '127.0.0.1:5443/evil/tools:1' is not from an allowed registry")
                .contains(file + ":12: image 'docker.io/library/busybox:1' is not from an allowed registry")
                .contains("3 violation(s)");
        CliRun build = CliRun.of("-c", config.toString(), "blubber", "build", file.toString(), "production");
        assertThat(build.exitCode()).as(build.all()).isEqualTo(2);
        assertThat(build.err()).contains(file + ":12: image 'docker.io/library/busybox:1'").contains(file + ":7: image 'quay.io/acme/sources:1'");
    }

    @Test
    @Tag("docker")
    void pipelineTestsBuildsAndPublishesWithTheEnginesCredentials() throws IOException {
        new BaseImagesAccess(DockerCli.locateWithBuildKit(System.getenv()), TestEnvironment.repo()).ensure("debian:bookworm");
        String password = "pw-" + UUID.randomUUID();
        try (LocalRegistry registry = LocalRegistry.start("ci", password)) {
            Path config = write("config.yaml", "registry: " + registry.host() + "\nnamespace: services\nusername: ci\npassword: " + password
                    + "\nallowed_registries: [" + registry.host() + ", docker.io]\n");
            Path project = dir.resolve("svc");
            Files.createDirectories(project);
            Files.writeString(project.resolve("blubber.yaml"), """
                    version: v4
                    base: debian:bookworm
                    lives: {in: /srv/app}
                    variants:
                      test:
                        copies: [local]
                        entrypoint: [sh, check.sh]
                      production:
                        copies: [local]
                        entrypoint: [sh, serve.sh]
                    """);
            Files.writeString(project.resolve("check.sh"), "echo checking-the-service\n");
            Files.writeString(project.resolve("serve.sh"), "echo serving\n");
            String project8 = "svc-" + UUID.randomUUID().toString().substring(0, 8);
            CliRun r = CliRun.of("-c", config.toString(), "blubber", "pipeline", project.resolve("blubber.yaml").toString(),
                    "--project", project8, "--tag", "v1.0.0", "--revision", "abc123", "--source", "https://git.example.org/svc");
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.all()).contains("checking-the-service").doesNotContain(password);
            Matcher m = Pattern.compile(Pattern.quote(registry.host() + "/services/" + project8 + ":")
                    + "\\d{4}-\\d{2}-\\d{2}-\\d{6}-production@(sha256:[0-9a-f]{64})").matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            assertThat(r.out()).contains(registry.host() + "/services/" + project8 + ":v1.0.0@" + m.group(1));

            Files.writeString(project.resolve("check.sh"), "echo failing-check\nexit 3\n");
            CliRun failing = CliRun.of("-c", config.toString(), "blubber", "pipeline", project.resolve("blubber.yaml").toString(),
                    "--project", project8);
            assertThat(failing.exitCode()).as(failing.all()).isEqualTo(1);
            assertThat(failing.err()).contains("failed its test run with exit code 3");
            assertThat(failing.out()).doesNotContain("published");
        }
    }
}
