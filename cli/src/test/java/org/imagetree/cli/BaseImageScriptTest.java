package org.imagetree.cli;

import org.imagetree.execute.ContainerEngine;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/base-image.sh makes a base image the security loop converges on (issue 26): its sources.list has the suite,
 * -updates and -security, it is dist-upgraded from them, and a security scan of it (real Debian archives, InRelease
 * verified with Debian's keyring) finds nothing pending. Built under a name of its own: the shared test base image
 * ({@link TestEnvironment#BASE_IMAGE}) is never touched.
 */
class BaseImageScriptTest {
    @TempDir Path dir;

    @Test
    void theTestBaseImageHasUpdatesAndSecurityAndScansClean() throws Exception {
        String ref = "imagetree-test/base-script-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
        String docker = "/usr/bin/docker";
        Map<String, String> env = Map.of("DOCKER_HOST", TestEnvironment.dockerHost());
        try (LocalRegistry registry = LocalRegistry.start(); ContainerEngine engine = TestEnvironment.engine()) {
            String published = registry.host() + "/basescript:1";
            try {
                TestEnvironment.run(env, "bash", TestEnvironment.repo().resolve("scripts/base-image.sh").toString(), ref);
                String sources = TestEnvironment.run(env, docker, "-H", TestEnvironment.dockerHost(), "run", "--rm", "--network", "host",
                        ref, "cat", "/etc/apt/sources.list");
                assertThat(sources.lines()).containsExactly("deb http://deb.debian.org/debian bookworm main",
                        "deb http://deb.debian.org/debian bookworm-updates main",
                        "deb http://deb.debian.org/debian-security bookworm-security main");
                String pending = TestEnvironment.run(env, docker, "-H", TestEnvironment.dockerHost(), "run", "--rm", "--network", "host",
                        ref, "sh", "-c", "apt-get update -qq && apt-get -s dist-upgrade | grep -c '^Inst' || true");
                assertThat(pending.strip()).as("nothing left to upgrade in the image").isEqualTo("0");

                engine.tag(ref, published);
                engine.push(published, Optional.empty(), line -> { });
                String keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
                Path config = Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                        "registry: " + registry.host(),
                        "security_sources:",
                        "  - deb [signed-by=" + keyring + "] http://deb.debian.org/debian {suite} main",
                        "  - deb [signed-by=" + keyring + "] http://deb.debian.org/debian {suite}-updates main",
                        "  - deb [signed-by=" + keyring + "] http://deb.debian.org/debian-security {suite}-security main", ""));
                CliRun scan = CliRun.of("-c", config.toString(), "security", "scan", "--fail-if-outdated", "--image", published);
                assertThat(scan.exitCode()).as(scan.all()).isZero();
                assertThat(scan.out()).contains("0 with security updates pending");
            } finally {
                for (String r : new String[] {published, ref}) {
                    try {
                        engine.remove(r);
                    } catch (Exception ignored) {
                        // not made
                    }
                }
            }
        }
    }

    /**
     * A base image already present is kept (others may be using it), but one whose sources.list lacks -security (made
     * by the script before it wrote one) is named in a warning: a security loop cannot converge on it (issue 26).
     */
    @Test
    void aPresentBaseWithoutSecuritySourcesIsKeptWithAWarning() throws Exception {
        String docker = "/usr/bin/docker";
        String host = TestEnvironment.dockerHost();
        Map<String, String> env = Map.of("DOCKER_HOST", host);
        String id = UUID.randomUUID().toString().substring(0, 8);
        String old = "imagetree-test/base-old-" + id + ":latest";
        String current = "imagetree-test/base-current-" + id + ":latest";
        String script = TestEnvironment.repo().resolve("scripts/base-image.sh").toString();
        try {
            for (String[] image : new String[][] {{old, "deb http://deb.debian.org/debian bookworm main\\n"},
                    {current, "deb http://deb.debian.org/debian bookworm main\\ndeb http://deb.debian.org/debian bookworm-updates main\\n"
                            + "deb http://deb.debian.org/debian-security bookworm-security main\\n"}}) {
                Path context = Files.createDirectories(dir.resolve("ctx-" + image[0].hashCode()));
                Files.writeString(context.resolve("Dockerfile"), "FROM " + TestEnvironment.baseImage() + "\nRUN printf '" + image[1] + "' > /etc/apt/sources.list\n");
                TestEnvironment.run(env, docker, "-H", host, "build", "-q", "--network", "host", "-t", image[0], context.toString());
            }
            String warned = TestEnvironment.run(env, "bash", script, old);
            assertThat(warned).contains("base image " + old + " present")
                    .contains("warning: " + old + " has no bookworm-security in its sources.list").contains("docker rmi " + old);
            String quiet = TestEnvironment.run(env, "bash", script, current);
            assertThat(quiet).contains("base image " + current + " present").doesNotContain("warning");
            assertThat(TestEnvironment.run(env, docker, "-H", host, "run", "--rm", "--network", "host", old, "cat", "/etc/apt/sources.list"))
                    .as("the present image is kept as it was").isEqualTo("deb http://deb.debian.org/debian bookworm main\n");
        } finally {
            for (String r : new String[] {old, current}) {
                try {
                    TestEnvironment.run(env, docker, "-H", host, "rmi", r);
                } catch (RuntimeException ignored) {
                    // not made
                }
            }
        }
    }
}
