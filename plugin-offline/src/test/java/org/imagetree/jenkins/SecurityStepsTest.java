package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.Result;
import org.imagetree.model.BaseImageOf;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LayeredImage;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.SignedAptRepository;
import org.imagetree.testing.SmallTree;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * imageTreeSecurityScan and imageTreeSecurityUpdate through a test StepContext: images pushed to a LocalRegistry as
 * plain layers (no Docker), a signed APT repository on loopback with a newer version of a package one image installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityStepsTest {
    LocalRegistry registry;
    SignedAptRepository repo;
    Path workspace;
    Map<String, String> env;

    @BeforeAll
    void setUp() throws Exception {
        workspace = Files.createTempDirectory("itsecsteps");
        registry = LocalRegistry.start();
        RegistryClient client = RegistryClient.builder().build();
        repo = new SignedAptRepository("bookworm-steps");
        repo.publish("pkg", "1.1");
        repo.writeKeyring(workspace.resolve("repo.asc"));
        String r = registry.host();
        String status = "Package: base-files\nStatus: install ok installed\nVersion: 12.4\n";
        LayeredImage.Layer base = LayeredImage.layer().file("etc/os-release", "VERSION_CODENAME=bookworm\n").file("var/lib/dpkg/status", status);
        String baseDigest = LayeredImage.push(client, r + "/steps-base:1", List.of(base), Map.of());
        LayeredImage.Layer own = LayeredImage.layer().file("var/lib/dpkg/status", status + "\nPackage: pkg\nStatus: install ok installed\nVersion: 1.0\n");
        String app = LayeredImage.push(client, r + "/stepsapp:1.0", List.of(base, own),
                Map.of(BaseImageOf.NAME_LABEL, r + "/steps-base:1", BaseImageOf.DIGEST_LABEL, baseDigest));
        LayeredImage.push(client, r + "/stepschild:2.0", List.of(base, own, LayeredImage.layer().file("etc/c", "c")),
                Map.of(BaseImageOf.NAME_LABEL, r + "/stepsapp:1.0", BaseImageOf.DIGEST_LABEL, app));
        LayeredImage.push(client, r + "/stepsother:3.0", List.of(base, LayeredImage.layer().file("etc/o", "o")),
                Map.of(BaseImageOf.NAME_LABEL, r + "/steps-base:1", BaseImageOf.DIGEST_LABEL, baseDigest));
        SmallTree.at(workspace.resolve("images"))
                .image("stepsapp", "1.0", "FROM " + r + "/steps-base:1\n", null)
                .image("stepschild", "2.0", "FROM {{ \"stepsapp\" | image_tag }}\n", "stepsapp")
                .image("stepsother", "3.0", "FROM " + r + "/steps-base:1\n", null);
        Files.writeString(workspace.resolve("config.yaml"), "registry: " + r + "\nsecurity_sources:\n  - "
                + repo.sourceLine(workspace.resolve("repo.asc")) + "\n");
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("DEBFULLNAME", "Jenkins Bot", "DEBEMAIL", "jenkins@example.org"));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (registry != null) registry.close();
        if (repo != null) repo.close();
        if (workspace != null) SignedAptRepository.deleteTree(workspace);
    }

    private static <S extends TreeStep> S configure(S step) {
        step.setDirectory("images");
        step.setConfig("config.yaml");
        return step;
    }

    @Test
    @SuppressWarnings("unchecked")
    void scanReturnsMapsAndMarksTheBuildUnstableThenUpdateBumpsTheImageAndItsChild() throws Throwable {
        ImageTreeSecurityScanStep scan = configure(new ImageTreeSecurityScanStep());
        scan.setUnstableIfOutdated(true);
        TestStepContext ctx = new TestStepContext(workspace, env);
        List<Map<String, Object>> images = (List<Map<String, Object>>) ctx.run(scan, Duration.ofMinutes(3));
        assertThat(images).extracting(m -> m.get("name")).containsExactly("stepsapp", "stepschild", "stepsother");
        assertThat(images.get(0)).containsEntry("tag", "1.0").containsEntry("suite", "bookworm");
        assertThat((List<Map<String, Object>>) images.get(0).get("packages")).singleElement()
                .isEqualTo(Map.of("name", "pkg", "installed", "1.0", "available", "1.1", "from", "own"));
        assertThat((List<Map<String, Object>>) images.get(1).get("packages")).singleElement().satisfies(p -> assertThat(p).containsEntry("from", "parent"));
        assertThat((List<?>) images.get(2).get("packages")).isEmpty();
        assertThat(ctx.run.getResult()).isEqualTo(Result.UNSTABLE);
        assertThat(ctx.log()).contains("pkg 1.0 -> 1.1 (own)", "build unstable: security updates pending");

        TestStepContext updateCtx = new TestStepContext(workspace, env);
        Map<String, Object> update = (Map<String, Object>) updateCtx.run(configure(new ImageTreeSecurityUpdateStep()), Duration.ofMinutes(3));
        List<Map<String, Object>> bumps = (List<Map<String, Object>>) update.get("bumps");
        assertThat(bumps).extracting(m -> m.get("name")).containsExactly("stepsapp", "stepschild");
        assertThat(bumps.get(0)).containsEntry("newVersion", "1.0-s1").containsEntry("changelog", "images/stepsapp/changelog")
                .containsEntry("reason", "* Security update: pkg 1.0 -> 1.1");
        assertThat((List<?>) update.get("bases")).isEmpty();
        assertThat(Files.readString(workspace.resolve("images/stepsother/changelog"))).startsWith("stepsother (3.0)");
    }

    @Test
    void aWronglySignedRepositoryFailsTheStep() throws Throwable {
        Path other = SignedAptRepository.otherKey();
        try {
            Files.writeString(workspace.resolve("wrong.asc"), SignedAptRepository.gpg(other, "--armor", "--export"));
            Files.writeString(workspace.resolve("wrong.yaml"), "registry: " + registry.host() + "\nsecurity_sources:\n  - "
                    + repo.sourceLine(workspace.resolve("wrong.asc")) + "\n");
            ImageTreeSecurityScanStep scan = new ImageTreeSecurityScanStep();
            scan.setConfig("wrong.yaml");
            scan.setImages(List.of(registry.host() + "/stepsother:3.0"));
            TestStepContext ctx = new TestStepContext(workspace, env);
            assertThatThrownBy(() -> ctx.run(scan, Duration.ofMinutes(3))).isInstanceOf(AbortException.class).hasMessageContaining("not signed by any key of the keyring");
        } finally {
            SignedAptRepository.killAgent(other);
        }
    }
}
