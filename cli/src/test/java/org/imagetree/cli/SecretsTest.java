package org.imagetree.cli;

import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryCredentials;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SmallTree;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry with Basic auth and the password in the config: a full run of the command line (build, verify,
 * publish, a failing template, a wrong password) and every output it leaves (stdout, stderr, the build log, files
 * under its working and temporary directories and HOME, rendered Dockerfiles) is searched for the password, in
 * clear and Base64 (as in an Authorization or X-Registry-Auth header).
 */
class SecretsTest {

    @Test
    void thePasswordAppearsInNoOutputOfAFullRun(@TempDir Path tmp) throws Exception {
        TestEnvironment.baseImage();
        String password = "pw-" + UUID.randomUUID();
        String wrong = "wrong-" + UUID.randomUUID();
        try (LocalRegistry registry = LocalRegistry.start("builder", password)) {
            Path images = SmallTree.at(tmp.resolve("tree/images"))
                    .image("secret-app", "1.0", "FROM " + TestEnvironment.BASE_IMAGE + "\nRUN echo {{ registry }} > /registry\n", null)
                    .image("secret-child", "1.0", "FROM {{ \"secret-app\" | image_tag }}\nRUN true\n", "secret-app")
                    .dir();
            Files.writeString(images.resolve("secret-app/test.sh"), "#!/bin/sh\nenv\necho verifying \"$1\"\n");
            images.resolve("secret-app/test.sh").toFile().setExecutable(true);
            Path config = writeConfig(tmp.resolve("config.yaml"), registry.host(), password);
            Path wrongConfig = writeConfig(tmp.resolve("wrong.yaml"), registry.host(), wrong);
            Path runDir = Files.createDirectories(tmp.resolve("run"));

            List<String> outputs = new ArrayList<>();
            CliProcess build = CliProcess.run(runDir, Map.of(), "-c", config.toString(), "--debug", "build", "--no-pull", images.toString());
            assertThat(build.exitCode()).as(build.all()).isZero();
            assertThat(build.out()).contains("2 published");
            outputs.add(build.all());
            // the images really are in the authenticated registry
            RegistryClient client = RegistryClient.builder().credentials(new RegistryCredentials(registry.host(), "builder", password)).build();
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/secret-child:1.0"))).isPresent();

            // the password from the environment instead of the file (and build output to imagetree-build.log)
            SmallTree.at(images).image("secret-env", "1.0", "FROM {{ \"secret-app\" | image_tag }}\nRUN true\n", "secret-app");
            Path noPassword = writeConfig(tmp.resolve("no-password.yaml"), registry.host(), "");
            CliProcess fromEnv = CliProcess.run(runDir, Map.of("IMAGETREE_REGISTRY_PASSWORD", password), "-c", noPassword.toString(),
                    "build", "--no-pull", "--use-cache", images.toString());
            assertThat(fromEnv.exitCode()).as(fromEnv.all()).isZero();
            assertThat(fromEnv.out()).contains("1 published");
            outputs.add(fromEnv.all());
            CliProcess render = CliProcess.run(runDir, Map.of(), "-c", config.toString(), "render", images.toString());
            assertThat(render.exitCode()).as(render.all()).isZero();
            assertThat(render.out()).contains("RUN echo " + registry.host());
            outputs.add(render.all());

            // a template asking for the password fails; the message must not carry it (a new version: build renders
            // only the templates of images it may build, and 1.0 is published)
            SmallTree.at(images).image("secret-child", "1.1", "FROM {{ \"secret-app\" | image_tag }}\nRUN echo {{ password }}\n", "secret-app");
            CliProcess leak = CliProcess.run(runDir, Map.of(), "-c", config.toString(), "build", images.toString());
            // build fails that image alone (issue #13), exit 1, and names the undefined variable, never its value
            assertThat(leak.exitCode()).as(leak.all()).isEqualTo(1);
            assertThat(leak.all()).contains("'password' is undefined");
            outputs.add(leak.all());

            // a wrong password: the run fails and says why, without the (wrong) password
            SmallTree.at(images).image("secret-child", "1.1", "FROM {{ \"secret-app\" | image_tag }}\nRUN true\n", "secret-app");
            CliProcess denied = CliProcess.run(runDir, Map.of(), "-c", wrongConfig.toString(), "--debug", "build", "--no-pull", images.toString());
            assertThat(denied.exitCode()).as(denied.all()).isNotZero();
            assertThat(denied.all()).contains("the credentials configured for " + registry.host() + " were rejected");
            outputs.add(denied.all());

            outputs.add(filesUnder(runDir));
            outputs.add(filesUnder(tmp.resolve("tree")));
            List<String> forbidden = new ArrayList<>();
            for (String secret : List.of(password, wrong)) {
                forbidden.add(secret);
                forbidden.add(Base64.getEncoder().encodeToString(("builder:" + secret).getBytes()));
                forbidden.add(Base64.getEncoder().encodeToString(secret.getBytes()).replace("=", ""));
            }
            assertThat(Files.exists(runDir.resolve("imagetree-build.log"))).as("the build log was written and searched").isTrue();
            for (String text : outputs) {
                for (String f : forbidden) assertThat(text).as("a secret in the output").doesNotContain(f);
            }
            try (Stream<Path> s = Files.list(runDir.resolve("java-tmp"))) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith("imagetree-"))).as("temporary contexts deleted").isEmpty();
            }
            assertThat(runDir.resolve("home/.docker")).as("no docker config written").doesNotExist();
        }
    }

    private static Path writeConfig(Path file, String host, String password) throws IOException {
        return Files.writeString(file, "registry: " + host + "\nusername: builder\n" + (password.isEmpty() ? "" : "password: " + password + "\n")
                + "base_images:\n  - " + TestEnvironment.BASE_IMAGE + "\n"
                + "allowed_registries:\n  - " + host + "\n  - docker.io/imagetree-local\n");
    }

    /** Every regular file's content (and name) under a directory. */
    private static String filesUnder(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                all.append(f).append('\n').append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }
}
