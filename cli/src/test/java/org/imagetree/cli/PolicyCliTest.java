package org.imagetree.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry restriction through the command line: build-time check and Kubernetes manifests. */
class PolicyCliTest {
    @TempDir Path dir;

    private Path image(String name, String template) throws IOException {
        Path d = dir.resolve("images").resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("changelog"), name + " (1.0) wikimedia; urgency=medium\n\n  * x\n\n"
                + " -- A <a@b.c>  Mon, 02 Nov 2026 10:00:00 +0000\n");
        Files.writeString(d.resolve("Dockerfile.template"), template);
        return d;
    }

    private Path config() throws IOException {
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, "registry: docker-registry.example.org\nbase_images:\n  - docker-registry.example.org/bookworm:latest\n"
                + "base_distros:\n  - trixie\n");
        return c;
    }

    @Test
    void checkReportsEveryViolationWithTemplateFileAndLine() throws IOException {
        image("good", "FROM {{ \"bookworm\" | image_tag }}\n");
        Path bad = image("bad", "# a comment\nFROM debian:bookworm AS build\nRUN true\nFROM quay.io/evil/thing:1\n");
        image("sneaky", "FROM docker-registry.example.org.evil.example/x:1\n");
        CliRun r = CliRun.of("-c", config().toString(), "policy", "check", dir.resolve("images").toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains(bad.resolve("Dockerfile.template") + ":2: image 'debian:bookworm'")
                .contains(bad.resolve("Dockerfile.template") + ":4: image 'quay.io/evil/thing:1'")
                .contains("docker-registry.example.org.evil.example/x:1")
                .contains("3 violation(s)");
    }

    @Test
    void buildRefusesBeforeBuildingAnything() throws IOException {
        image("bad", "FROM debian:bookworm\n");
        CliRun r = CliRun.of("-c", config().toString(), "build", "--no-pull", dir.resolve("images").toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("registry policy violation").contains("image 'debian:bookworm'").doesNotContain("Exception");
        assertThat(r.out()).doesNotContain("Step 1");
    }

    @Test
    void manifestsDenyOtherRegistriesAndBaseImages() throws IOException {
        CliRun r = CliRun.of("-c", config().toString(), "policy", "manifests", "--exempt", "kube-system", "--exempt", "monitoring");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("kind: \"ValidatingAdmissionPolicy\"").contains("kind: \"ValidatingAdmissionPolicyBinding\"")
                .contains("images not from an allowed registry (docker-registry.example.org)").contains("monitoring")
                // the base images' repositories under the registry's host, written in any letter case
                .contains("[eE][xX][aA][mM][pP][lL][eE][.][oO][rR][gG]/bookworm").contains("[eE][xX][aA][mM][pP][lL][eE][.][oO][rR][gG]/trixie");
    }

    @Test
    void manifestsWithoutAnyAllowedRegistryIsAClearError() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "namespace: team\n");
        CliRun r = CliRun.of("-c", empty.toString(), "policy", "manifests");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no allowed registry: give --allowed REGISTRY");
    }

    /** Bad input to manifests is one error line naming it, exit 2, nothing on standard output (issue 26, item 3). */
    @Test
    void manifestsWithAMissingOrBadCaBundleOrNameIsOneErrorLine() throws IOException {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        Path garbled = Files.writeString(dir.resolve("garbled.pem"), "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
        String[][] cases = {
                {"--ca-bundle", missing.toString(), missing + ": --ca-bundle: no such file"},
                {"--ca-bundle", notPem.toString(), notPem + ": --ca-bundle: no PEM certificate in the file"},
                {"--ca-bundle", garbled.toString(), garbled + ": --ca-bundle: not a valid PEM certificate (Illegal base64 character 21)"},
                {"--ca-bundle", dir.toString(), dir + ": --ca-bundle: cannot read"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("-c", config().toString(), "policy", "manifests", "--webhook", "https://policy.example.svc/validate", c[0], c[1]);
            assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).as(c[1]).startsWith("error: ").contains(c[2]).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.err().lines()).as(c[1]).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
        CliRun badName = CliRun.of("-c", config().toString(), "policy", "manifests", "--name", "Not_A_Name");
        assertThat(badName.exitCode()).as(badName.all()).isEqualTo(2);
        assertThat(badName.err()).isEqualTo("error: not a Kubernetes object name: 'Not_A_Name'\n");
    }

    @Test
    void checkReportsEveryImageABuildMayPullAndEveryLinkLeavingTheTree() throws IOException {
        Path bad = image("bad", """
                # syntax=docker.io/docker/dockerfile:1
                FROM {{ "bookworm" | image_tag }} AS build
                COPY --from=127.0.0.1:5443/evil/x:1 /x /x
                RUN --mount=type=bind,from=quay.io/evil/tools,target=/t true
                ONBUILD ADD --from=evil.example/onbuild /a /a
                COPY --from=build /x /y
                """);
        CliRun r = CliRun.of("-c", config().toString(), "policy", "check", dir.resolve("images").toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        Path t = bad.resolve("Dockerfile.template");
        assertThat(r.out())
                .contains(t + ":1: image 'docker.io/docker/dockerfile:1' is not from an allowed registry")
                .contains(t + ":3: image '127.0.0.1:5443/evil/x:1' is not from an allowed registry")
                .contains(t + ":4: image 'quay.io/evil/tools' is not from an allowed registry")
                .contains(t + ":5: image 'evil.example/onbuild' is not from an allowed registry")
                .contains("4 violation(s)");

        Path secret = Files.writeString(dir.resolve("shadow"), "root:secret-hash:1::\n");
        Files.createSymbolicLink(bad.resolve("leak"), secret);
        Path other = image("other", "FROM {{ \"bookworm\" | image_tag }}\n");
        Files.delete(other.resolve("Dockerfile.template"));
        Files.createSymbolicLink(other.resolve("Dockerfile.template"), secret);
        CliRun leaks = CliRun.of("-c", config().toString(), "policy", "check", dir.resolve("images").toString());
        assertThat(leaks.exitCode()).as(leaks.all()).isEqualTo(1);
        assertThat(leaks.out())
                .contains(bad.resolve("leak") + ": symlink points outside the build context (-> " + secret + ")")
                .contains(other.resolve("Dockerfile.template") + ": symlink points outside the build context (-> " + secret + ")")
                .doesNotContain("secret-hash");
        // A link leaving the tree does not hide the registry violations: the rest of the tree is still checked (issue 26, item 1),
        // including the image holding the link, whose definition files are inside the tree.
        assertThat(leaks.out())
                .contains(t + ":1: image 'docker.io/docker/dockerfile:1' is not from an allowed registry")
                .contains(t + ":3: image '127.0.0.1:5443/evil/x:1' is not from an allowed registry")
                .contains(t + ":4: image 'quay.io/evil/tools' is not from an allowed registry")
                .contains(t + ":5: image 'evil.example/onbuild' is not from an allowed registry")
                .endsWith("6 violation(s)\n");
        CliRun lint = CliRun.of("-c", config().toString(), "lint", dir.resolve("images").toString());
        assertThat(lint.out()).contains(t + ":3: image '127.0.0.1:5443/evil/x:1' is not from an allowed registry")
                .contains(bad.resolve("leak") + ": symlink points outside the build context");
        for (String command : new String[] {"render", "plan", "lint"}) {
            CliRun c = CliRun.of("-c", config().toString(), command, dir.resolve("images").toString());
            assertThat(c.exitCode()).as(command + ": " + c.all()).isNotZero();
            assertThat(c.all()).as(command).contains("symlink points outside the build context").doesNotContain("secret-hash");
        }
    }
}
