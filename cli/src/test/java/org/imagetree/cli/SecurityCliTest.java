package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code security scan}, {@code security update} and {@code stale} as a user runs them, against images pushed to a
 * LocalRegistry as plain layers (no Docker) and a signed APT repository on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityCliTest {
    static final String STATUS = "Package: basepkg\nStatus: install ok installed\nVersion: 1.0\n";
    LocalRegistry registry;
    RegistryClient client;
    SignedAptRepository repo;
    Path work;
    Path config;
    Path images;
    String baseDigest;
    LayeredImage.Layer base;
    LayeredImage.Layer own;

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("itseccli");
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        repo = new SignedAptRepository("bookworm-cli");
        repo.publish("pkg", "1.1", "basepkg", "2.0");
        Path keyring = repo.writeKeyring(work.resolve("repo.asc"));
        String r = registry.host();
        base = LayeredImage.layer().file("etc/os-release", "VERSION_CODENAME=bookworm\n").file("var/lib/dpkg/status", STATUS);
        baseDigest = LayeredImage.push(client, r + "/cli-base:1", List.of(base), Map.of());
        own = LayeredImage.layer().file("var/lib/dpkg/status", STATUS + "\nPackage: pkg\nStatus: install ok installed\nVersion: 1.0\n");
        String appDigest = LayeredImage.push(client, r + "/clisec:1.0", List.of(base, own),
                Map.of(BaseImageOf.NAME_LABEL, r + "/cli-base:1", BaseImageOf.DIGEST_LABEL, baseDigest));
        LayeredImage.push(client, r + "/clisec:latest", List.of(base, own),
                Map.of(BaseImageOf.NAME_LABEL, r + "/cli-base:1", BaseImageOf.DIGEST_LABEL, baseDigest));
        LayeredImage.push(client, r + "/clichild:2.0", List.of(base, own, LayeredImage.layer().file("etc/child", "x")),
                Map.of(BaseImageOf.NAME_LABEL, r + "/clisec:1.0", BaseImageOf.DIGEST_LABEL, appDigest));
        LayeredImage.push(client, r + "/clisvc:prod", List.of(base, own, LayeredImage.layer().file("srv/app", "x")),
                Map.of(BaseImageOf.NAME_LABEL, r + "/clisec:latest", BaseImageOf.DIGEST_LABEL, appDigest));
        images = work.resolve("images");
        SmallTree.at(images)
                .image("clisec", "1.0", "FROM " + r + "/cli-base:1\n", null)
                .image("clichild", "2.0", "FROM {{ \"clisec\" | image_tag }}\n", "clisec");
        config = work.resolve("config.yaml");
        Files.writeString(config, "registry: " + r + "\nsecurity_sources:\n  - " + repo.sourceLine(keyring) + "\n");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (registry != null) registry.close();
        if (repo != null) repo.close();
        if (work != null) SignedAptRepository.deleteTree(work);
    }

    @Test
    void scanPrintsTheIssuesJsonShapeAndUpdateBumpsTheImageThatInstalledThePackage() throws Exception {
        CliRun json = CliRun.of("-c", config.toString(), "security", "scan", "--format", "json", images.toString());
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        JsonNode app = root.path("images").get(0);
        assertThat(app.path("name").asText()).isEqualTo("clisec");
        assertThat(app.path("tag").asText()).isEqualTo("1.0");
        assertThat(app.path("digest").asText()).startsWith("sha256:");
        assertThat(app.path("suite").asText()).isEqualTo("bookworm");
        assertThat(app.path("packages").toString()).isEqualTo("[{\"name\":\"basepkg\",\"installed\":\"1.0\",\"available\":\"2.0\",\"from\":\"parent\"},"
                + "{\"name\":\"pkg\",\"installed\":\"1.0\",\"available\":\"1.1\",\"from\":\"own\"}]");
        assertThat(root.path("images").get(1).path("packages").findValuesAsText("from")).containsExactly("parent", "parent");

        CliRun gate = CliRun.of("-c", config.toString(), "security", "scan", "--fail-if-outdated", images.toString());
        assertThat(gate.exitCode()).isEqualTo(1);
        assertThat(gate.out()).contains("pkg 1.0 -> 1.1 (own)", "2 images scanned, 2 with security updates pending");

        CliRun update = CliRun.of(Map.of("DEBFULLNAME", "Sec Bot", "DEBEMAIL", "sec@example.org"),
                "-c", config.toString(), "security", "update", images.toString());
        assertThat(update.exitCode()).as(update.all()).isZero();
        assertThat(update.out()).contains("* clisec: 1.0 -> 1.0-s1", "* clichild: 2.0 -> 2.0-s1",
                "rebuild the base image " + registry.host() + "/cli-base:1", "Security update: basepkg 1.0 -> 2.0");
        assertThat(update.out()).as("the build to run next, as it can be pasted").endsWith("now build: imagetree -c " + config + " build " + images + "\n");
        assertThat(Files.readString(images.resolve("clisec/changelog"))).startsWith("clisec (1.0-s1)")
                .contains("* Security update: pkg 1.0 -> 1.1").doesNotContain("basepkg");
        assertThat(Files.readString(images.resolve("clichild/changelog"))).contains("Refresh for update in parent image clisec:");
    }

    @Test
    void aWronglySignedRepositoryIsOneErrorLineAndExit1() throws Exception {
        Path otherHome = SignedAptRepository.otherKey();
        try {
            Path other = work.resolve("other.yaml");
            Files.writeString(other, "registry: " + registry.host() + "\nsecurity_sources:\n  - deb [signed-by=" + work.resolve("wrong.asc")
                    + "] " + repo.url() + " bookworm-cli main\n");
            Files.writeString(work.resolve("wrong.asc"), SignedAptRepository.gpg(otherHome, "--armor", "--export"));
            CliRun r = CliRun.of("-c", other.toString(), "security", "scan", "--image", registry.host() + "/clisec:1.0");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: ").contains("InRelease is not signed by any key of the keyring");
            assertThat(r.out()).isEmpty();
        } finally {
            SignedAptRepository.killAgent(otherHome);
        }
    }

    /** An APT source nothing answers is an error that says so, not a bare ConnectException (issue 26). */
    @Test
    void anUnreachableSourceSaysWhatFailed() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path down = work.resolve("down.yaml");
        Files.writeString(down, "registry: " + registry.host() + "\nsecurity_sources:\n  - deb [signed-by=" + work.resolve("repo.asc")
                + "] http://127.0.0.1:" + port + "/debian bookworm main\n");
        CliRun r = CliRun.of("-c", down.toString(), "security", "scan", "--image", registry.host() + "/clisec:1.0");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: GET http://127.0.0.1:" + port + "/debian/dists/bookworm/InRelease failed:"
                + " connection refused: nothing listens at 127.0.0.1:" + port).doesNotContain("ConnectException");
    }

    @Test
    void aBadSourceLineNamesTheConfigFileAndLine() throws Exception {
        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, "registry: " + registry.host() + "\nsecurity_sources:\n  - deb http://127.0.0.1:1/x bookworm main\n");
        CliRun r = CliRun.of("-c", bad.toString(), "security", "scan", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":3").contains("signed-by");
    }

    @Test
    void staleListsTheServiceImageOnceItsBaseTagMovedAndThePodsRunningIt() throws Exception {
        String svc = registry.host() + "/clisvc:prod";
        CliRun before = CliRun.of("-c", config.toString(), "stale", svc);
        assertThat(before.exitCode()).as(before.all()).isZero();
        assertThat(before.out()).contains("1 image checked, 0 stale");
        // clisec rebuilt: its latest tag moves.
        LayeredImage.push(client, registry.host() + "/clisec:latest", List.of(base, own, LayeredImage.layer().file("etc/rebuilt", "1")), Map.of());
        Path pods = work.resolve("pods.json");
        Files.writeString(pods, "{\"items\": [{\"metadata\": {\"name\": \"svc-0\", \"namespace\": \"web\", \"ownerReferences\": "
                + "[{\"kind\": \"StatefulSet\", \"name\": \"svc\"}]}, \"spec\": {\"containers\": [{\"name\": \"main\", \"image\": \"" + svc + "\"}]}}]}");
        CliRun after = CliRun.of("-c", config.toString(), "stale", "--format", "json", "--pods", pods.toString());
        assertThat(after.exitCode()).as(after.all()).isZero();
        JsonNode root = new ObjectMapper().readTree(after.out());
        assertThat(root.path("images").get(0).path("reference").asText()).isEqualTo(svc);
        assertThat(root.path("images").get(0).path("stale").asBoolean()).isTrue();
        assertThat(root.path("images").get(0).path("current").asText())
                .isEqualTo(client.headManifest(ImageReference.parse(registry.host() + "/clisec:latest")).orElseThrow().digest());
        assertThat(root.path("workloads").get(0).path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(root.path("workloads").get(0).path("name").asText()).isEqualTo("svc");

        // --security: a workload running an image that is not stale but has security updates pending.
        Files.writeString(pods, "{\"items\": [{\"metadata\": {\"name\": \"child-0\", \"namespace\": \"web\"}, "
                + "\"spec\": {\"containers\": [{\"name\": \"main\", \"image\": \"" + registry.host() + "/clichild:2.0\"}]}}]}");
        CliRun plain = CliRun.of("-c", config.toString(), "stale", "--pods", pods.toString());
        assertThat(plain.out()).as(plain.all()).contains("0 stale, 0 workload containers to redeploy");
        CliRun security = CliRun.of("-c", config.toString(), "stale", "--security", "--pods", pods.toString());
        assertThat(security.exitCode()).as(security.all()).isZero();
        assertThat(security.out()).contains("redeploy: web/Pod/child-0", "has security updates pending: basepkg 1.0 -> 2.0, pkg 1.0 -> 1.1");

        Files.writeString(pods, "not json");
        CliRun bad = CliRun.of("-c", config.toString(), "stale", "--pods", pods.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains(pods.toString());
    }

    @Test
    void staleReportsEveryPodImageAndMarksTheRowsItCouldNotReadWithExit1() throws Exception {
        try (LocalRegistry elsewhere = LocalRegistry.startLoggingRequests()) {
            long before = elsewhere.log().lines().filter(l -> l.contains(" /v2/")).count();
            // Ours: the registry and one on 127.0.0.1:1, where nothing listens. Elsewhere is named nowhere.
            Path reach = work.resolve("reach.yaml");
            Files.writeString(reach, "registry: " + registry.host() + "\nallowed_registries:\n  - " + registry.host() + "\n  - 127.0.0.1:1\n"
                    + "security_sources:\n  - " + repo.sourceLine(work.resolve("repo.asc")) + "\n");
            Path pods = work.resolve("reach-pods.json");
            Files.writeString(pods, "{\"items\": ["
                    + pod("good-0\\u001b[31m", registry.host() + "/clichild:2.0") + ","
                    + pod("down-0", "127.0.0.1:1/svc:1") + ","
                    + pod("foreign-0", elsewhere.host() + "/svc:1") + "]}");
            for (List<String> extra : List.of(List.<String>of(), List.of("--security"))) {
                List<String> args = new java.util.ArrayList<>(List.of("-c", reach.toString(), "stale"));
                args.addAll(extra);
                args.addAll(List.of("--pods", pods.toString(), registry.host() + "/clisec:1.0"));
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
                assertThat(r.out()).as(r.all())
                        .contains("error: 127.0.0.1:1/svc:1: ", "connection refused")
                        .contains("unknown: " + elsewhere.host() + "/svc:1: not ours: " + elsewhere.host())
                        .contains("4 images checked, ", ", 1 not read")
                        .doesNotContain("\u001b");
                if (extra.contains("--security")) assertThat(r.out()).contains("redeploy: web/Pod/good-0\\x1b[31m (pod good-0\\x1b[31m", "security updates pending");
            }
            CliRun json = CliRun.of("-c", reach.toString(), "stale", "--format", "json", "--pods", pods.toString());
            assertThat(json.exitCode()).isEqualTo(1);
            JsonNode images = new ObjectMapper().readTree(json.out()).path("images");
            assertThat(images.findValuesAsText("reference")).containsExactlyInAnyOrder(registry.host() + "/clichild:2.0", "127.0.0.1:1/svc:1",
                    elsewhere.host() + "/svc:1");
            assertThat(images.findValuesAsText("error")).singleElement().asString().contains("127.0.0.1:1");
            assertThat(elsewhere.log().lines().filter(l -> l.contains(" /v2/")).count()).as("requests to a registry the config does not name").isEqualTo(before);
        }
    }

    private static String pod(String name, String image) {
        return "{\"metadata\": {\"name\": \"" + name + "\", \"namespace\": \"web\"}, \"spec\": {\"containers\": [{\"name\": \"main\", \"image\": \"" + image + "\"}]}}";
    }

    @Test
    void aScanWithAnImageItCouldNotReadReportsTheOthersExits1AndUpdateChangesNothing() throws Exception {
        String r = registry.host();
        LayeredImage.push(client, r + "/clibroken:1.0", List.of(base, LayeredImage.layer().file("var/lib/dpkg/status", new byte[]{0x7f, 'E', 'L', 'F', 0})), Map.of());
        CliRun scan = CliRun.of("-c", config.toString(), "security", "scan", "--image", r + "/clibroken:1.0", "--image", r + "/clisec:1.0",
                "--image", "docker.io/library/debian:bookworm");
        assertThat(scan.exitCode()).as(scan.all()).isEqualTo(1);
        assertThat(scan.out()).contains(r + "/clibroken:1.0: not read: ", "not a dpkg database", "pkg 1.0 -> 1.1 (own)",
                "library/debian:bookworm: not read: not ours: docker.io", "3 images scanned, 1 with security updates pending, 2 not read");

        Path tree = work.resolve("broken-tree");
        SmallTree.at(tree).image("clisec", "1.0", "FROM " + r + "/cli-base:1\n", null).image("clibroken", "1.0", "FROM " + r + "/cli-base:1\n", null);
        String before = Files.readString(tree.resolve("clisec/changelog"));
        CliRun update = CliRun.of(Map.of("DEBFULLNAME", "Sec Bot", "DEBEMAIL", "sec@example.org"), "-c", config.toString(), "security", "update", tree.toString());
        assertThat(update.exitCode()).as(update.all()).isEqualTo(1);
        assertThat(update.err()).contains("error: 1 image could not be read; nothing was changed:", "clibroken:1.0: ");
        assertThat(Files.readString(tree.resolve("clisec/changelog"))).isEqualTo(before);
    }

    @Test
    void aLimitInTheConfigIsNamedInTheErrorItCauses() throws Exception {
        Path small = work.resolve("small.yaml");
        Files.writeString(small, "registry: " + registry.host() + "\nmax_manifest_bytes: 100\nsecurity_sources:\n  - "
                + repo.sourceLine(work.resolve("repo.asc")) + "\n");
        CliRun r = CliRun.of("-c", small.toString(), "security", "scan", "--image", registry.host() + "/clisec:1.0");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("more than 100 bytes (max_manifest_bytes");
        Path pods = work.resolve("big-pods.json");
        Files.writeString(pods, "{\"items\": []}" + " ".repeat(200));
        Files.writeString(small, "registry: " + registry.host() + "\nmax_pods_bytes: 100\n");
        CliRun p = CliRun.of("-c", small.toString(), "stale", "--pods", pods.toString());
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.err()).startsWith("error: " + pods + ": the pod list is " + Files.size(pods) + " bytes, more than 100 bytes (max_pods_bytes");
    }
}
