package org.imagetree.cli;

import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example tree (6 images, 3 levels, a test.sh, a .dockerignore, a symlinked shared file) built with the
 * real Docker Engine and a real registry, through the command line exactly as a user runs it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionTreeBuildTest {
    @TempDir static Path work;
    static LocalRegistry registry;
    static RegistryClient client;
    static Path tree;
    static Path config;

    @BeforeAll
    static void setUp() throws IOException {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        tree = work.resolve("tree");
        TestEnvironment.copyTree(TestEnvironment.repo().resolve("examples/tree"), tree);
        String base = TestEnvironment.publishBaseImage(registry.host());
        config = tree.resolve("test-config.yaml");
        Files.writeString(config, String.join("\n",
                "registry: " + registry.host(),
                "base_images:",
                "  - " + base,
                "known_uid_mappings:",
                "  root: 0",
                "  nobody: 65534",
                "  somebody: 65533",
                ""));
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    private static CliRun imagetree(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = config.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.of(Map.of("DEBFULLNAME", "Test Bot", "DEBEMAIL", "bot@example.org"), full);
    }

    private static Optional<ManifestDescriptor> inRegistry(String nameTag) {
        return client.headManifest(ImageReference.parse(registry.host() + "/" + nameTag));
    }

    private static String images() { return tree.resolve("images").toString(); }

    @Test
    @Order(1)
    void firstRunBuildsVerifiesAndPublishesTheWholeTree() {
        CliRun plan = imagetree("plan", "--format", "json", images());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("\"waves\"").contains("\"action\" : \"build\"");

        CliRun run = imagetree("build", "--jobs", "2", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        for (String img : List.of("tools:1.0.0-1", "runtime:2.1.0", "web:0.3.0", "cli-tools:1.2.0-3", "worker:0.9.1", "standalone:3.0.0")) {
            Optional<ManifestDescriptor> m = inRegistry(img);
            assertThat(m).as(img).isPresent();
            String name = img.substring(0, img.indexOf(':'));
            assertThat(inRegistry(name + ":latest")).as(name + ":latest").contains(m.get());
            assertThat(run.out()).contains(m.get().digest().substring(0, 19));
        }
        // The example tree is clean: no command warns on it.
        assertThat(run.err()).doesNotContain("warning");
        // Only web has a test.sh: only web says "verified" (issue 26).
        assertThat(run.out()).containsPattern("\\bweb\\b.*built, verified, published\n")
                .containsPattern("\\btools\\b.*built, published \\(no test.sh, verification skipped\\)\n");
        assertThat(run.out().lines().filter(l -> l.contains("verified,"))).isNotEmpty().allMatch(l -> l.contains("web"));
        assertThat(run.out()).contains("6 published");
    }

    @Test
    @Order(2)
    void secondRunBuildsNothing() {
        CliRun run = imagetree("build", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("Nothing to build.").contains("0 published").contains("6 unchanged");
    }

    @Test
    @Order(3)
    void aPublishedParentMissingLocallyIsPulledBeforeTheChildBuilds() throws Exception {
        try (var engine = TestEnvironment.engine()) {
            engine.remove(registry.host() + "/runtime:2.1.0");
            engine.remove(registry.host() + "/runtime:latest");
            assertThat(engine.inspect(registry.host() + "/runtime:2.1.0")).isEmpty();
        }
        CliRun up = imagetree("update", "web", "--reason", "* Rebuild on the published runtime", images());
        assertThat(up.exitCode()).as(up.all()).isZero();
        CliRun run = imagetree("--info", "build", "--select", "*web:*", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("1 published");
        assertThat(inRegistry("web:0.3.0-s1")).isPresent();
        try (var engine = TestEnvironment.engine()) {
            assertThat(engine.inspect(registry.host() + "/runtime:2.1.0")).isPresent();
        }
    }

    @Test
    @Order(4)
    void updateCascadesAndSelectBuildsOnlyTheMatchAndWhatItNeeds() throws IOException {
        CliRun up = imagetree("update", "tools", "--reason", "Security update for openssl", images());
        assertThat(up.exitCode()).as(up.all()).isZero();
        assertThat(up.out()).contains("tools: 1.0.0-1 -> 1.0.0-1-s1", "runtime: 2.1.0 -> 2.1.0-s1", "web: 0.3.0-s1 -> 0.3.0-s2",
                "cli-tools: 1.2.0-3 -> 1.2.0-3-s1", "worker: 0.9.1 -> 0.9.1-s1").doesNotContain("standalone");
        String changelog = Files.readString(tree.resolve("images/runtime/changelog"), StandardCharsets.UTF_8);
        assertThat(changelog).startsWith("runtime (2.1.0-s1) wikimedia; urgency=high\n\n   Refresh for update in parent image tools:\n"
                + "   Security update for openssl\n\n -- Test Bot <bot@example.org>  ");

        CliRun run = imagetree("build", "--select", "*cli-tools:*", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(inRegistry("tools:1.0.0-1-s1")).isPresent();
        assertThat(inRegistry("cli-tools:1.2.0-3-s1")).isPresent();
        assertThat(inRegistry("runtime:2.1.0-s1")).isEmpty();
        assertThat(inRegistry("web:0.3.0-s2")).isEmpty();
        assertThat(run.out()).contains("2 published");
    }

    @Test
    @Order(5)
    void aBrokenImageSkipsItsDependantsAndTheRestIsPublished() throws IOException {
        Path tpl = tree.resolve("images/runtime/Dockerfile.template");
        Files.writeString(tpl, Files.readString(tpl) + "RUN echo 'this step fails' && false\n");
        CliRun run = imagetree("build", "--jobs", "2", images());
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(inRegistry("runtime:2.1.0-s1")).isEmpty();
        assertThat(inRegistry("web:0.3.0-s2")).isEmpty();
        assertThat(inRegistry("worker:0.9.1-s1")).isEmpty();
        assertThat(run.out()).containsPattern("runtime\\s+2\\.1\\.0-s1\\s+failed")
                .containsPattern("web\\s+0\\.3\\.0-s2\\s+skipped\\s.*parent runtime failed")
                .containsPattern("worker\\s+0\\.9\\.1-s1\\s+skipped\\s.*parent runtime failed")
                .contains("1 failed, 2 skipped");
    }

    @Test
    @Order(6)
    void pruneRemovesOnlyOldLocalVersionsOfTheSelectedImages() throws Exception {
        CliRun run = imagetree("prune", "--select", "*/tools:*", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("removing " + registry.host() + "/tools:1.0.0-1\n");
        try (var engine = TestEnvironment.engine()) {
            assertThat(engine.inspect(registry.host() + "/tools:1.0.0-1")).isEmpty();
            assertThat(engine.inspect(registry.host() + "/tools:1.0.0-1-s1")).isPresent();
            assertThat(engine.inspect(registry.host() + "/cli-tools:1.2.0-3")).as("not selected").isPresent();
        }
        assertThat(inRegistry("tools:1.0.0-1")).as("the registry is never touched").isPresent();
    }

    @Test
    @Order(7)
    void buildKitBuildsVerifiesAndPublishesThroughTheSameSteps() throws Exception {
        CliRun up = imagetree("update", "standalone", "--reason", "* Rebuild through BuildKit", images());
        assertThat(up.exitCode()).as(up.all()).isZero();
        CliRun run = imagetree("--info", "build", "--buildkit", "--select", "*standalone:*", images());
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("[internal] load build definition").contains("1 published");
        Optional<ManifestDescriptor> m = inRegistry("standalone:3.0.0-s1");
        assertThat(m).isPresent();
        assertThat(inRegistry("standalone:latest")).contains(m.get());
        try (var engine = TestEnvironment.engine()) {
            assertThat(engine.inspect(registry.host() + "/standalone:3.0.0-s1")).hasValueSatisfying(i ->
                    assertThat(i.labels()).containsKey(org.imagetree.model.BaseImageOf.NAME_LABEL));
        }
    }
}
