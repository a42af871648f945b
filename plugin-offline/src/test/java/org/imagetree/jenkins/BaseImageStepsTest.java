package org.imagetree.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import hudson.model.Result;
import hudson.util.Secret;
import org.imagetree.execute.ContainerEngine;
import org.imagetree.model.BaseImageOf;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.ManifestDescriptor;
import org.imagetree.registry.RegistryClient;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code buildBaseImages} and {@code refreshImageTree} as a Jenkinsfile runs them, against real debuerreotype (as
 * root), the real Docker Engine and a local registry. Two real debuerreotype builds: bookworm, in the same step call as
 * a suite that does not exist, and bookworm again in the weekly refresh (after a refresh whose distro fails fast).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BaseImageStepsTest {
    @TempDir static Path workspace;
    static LocalRegistry registry;
    static RegistryClient client;
    static Map<String, String> env;
    static String day;
    static String bookwormDigest;
    static final List<String> created = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUp() throws IOException {
        registry = LocalRegistry.start();
        client = RegistryClient.builder().build();
        day = DateTimeFormatter.ofPattern("yyyyMMdd").format(LocalDate.now(ZoneOffset.UTC));
        Files.writeString(workspace.resolve("imagetree.yaml"), String.join("\n",
                "registry: " + registry.host(),
                "base_images:", "  - " + registry.host() + "/bookworm:latest",
                "weekly_author: 'Image Bot <images@example.org>'", ""));
        env = new HashMap<>(System.getenv());
    }

    @AfterAll
    static void tearDown() {
        // Only the images these tests pulled or built into the shared engine; a child before its parent.
        try (ContainerEngine engine = TestEnvironment.engine()) {
            for (String ref : created) {
                try {
                    engine.remove(ref);
                } catch (Exception e) {
                    // already gone or still used by another of ours: best effort
                }
            }
        }
        if (registry != null) registry.close();
    }

    private static Optional<ManifestDescriptor> head(String ref) {
        return client.headManifest(ImageReference.parse(ref));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object result) {
        return (List<Map<String, Object>>) result;
    }

    private static void assertSerializable(Object result) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(result); // what the CPS program stores: JDK types only
        }
    }

    @Test
    @Order(1)
    void aFailingDistroIsReportedWhileTheGoodOneIsPublishedUnderBothTagsWithOneDigest() throws Throwable {
        String repo = registry.host() + "/bookworm";
        created.addAll(List.of(repo + ":" + day, repo + ":latest"));
        BuildBaseImagesStep step = new BuildBaseImagesStep();
        step.setDistros(List.of("nosuchsuite", "bookworm"));
        step.setConfig("imagetree.yaml");
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        step.setUnstableOnFailure(true);
        TestStepContext ctx = new TestStepContext(workspace, env);
        List<Map<String, Object>> bases = maps(ctx.run(step, Duration.ofMinutes(10)));

        assertSerializable(bases);
        assertThat(bases).extracting(b -> b.get("distro")).containsExactly("nosuchsuite", "bookworm");
        Map<String, Object> bad = bases.get(0);
        assertThat((String) bad.get("error")).contains("debuerreotype-init exited");
        assertThat(bad.get("tags")).isEqualTo(List.of());
        assertThat(bad.get("digest")).isNull();

        Map<String, Object> bookworm = bases.get(1);
        String tail = String.join("\n", ctx.log().lines().skip(Math.max(0, ctx.log().lines().count() - 30)).toList());
        assertThat(bookworm.get("error")).as(tail).isNull();
        assertThat(bookworm.get("tags")).isEqualTo(List.of(repo + ":" + day, repo + ":latest"));
        bookwormDigest = (String) bookworm.get("digest");
        assertThat(bookwormDigest).startsWith("sha256:");
        assertThat(head(repo + ":" + day).orElseThrow().digest()).isEqualTo(bookwormDigest);
        assertThat(head(repo + ":latest").orElseThrow().digest()).isEqualTo(bookwormDigest);
        assertThat(bookworm.get("duration")).isInstanceOf(Long.class);
        assertThat((Long) bookworm.get("epoch")).isPositive();
        assertThat(bookworm.get("snapshot")).isEqualTo(false);

        assertThat(ctx.run.getResult()).isEqualTo(Result.UNSTABLE);
        assertThat(ctx.log()).contains("[imagetree] building base images: nosuchsuite, bookworm")
                .contains("[bookworm] published " + repo + ":latest " + bookwormDigest)
                .contains("[imagetree] build unstable: 1 base image(s) not built: nosuchsuite (");
        assertThat(Files.list(AgentCalls.workDir(workspace.toFile())).filter(p -> p.getFileName().toString().startsWith("base-")))
                .as("debuerreotype's scratch space is removed").isEmpty();
    }

    @Test
    @Order(2)
    void withoutUnstableOnFailureAFailingDistroFailsTheStepAndDistrosComeFromTheConfig() throws IOException {
        Files.writeString(workspace.resolve("bad-distros.yaml"), "registry: " + registry.host() + "\nbase_distros: [nosuchsuite]\n");
        BuildBaseImagesStep step = new BuildBaseImagesStep();
        step.setConfig("bad-distros.yaml");
        TestStepContext ctx = new TestStepContext(workspace, env);
        assertThatThrownBy(() -> ctx.run(step, Duration.ofMinutes(3)))
                .isInstanceOf(AbortException.class).hasMessageStartingWith("1 base image(s) not built: nosuchsuite (");
        assertThat(ctx.log()).contains("[imagetree] building base images: nosuchsuite");
    }

    @Test
    @Order(2)
    void missingDistrosOrRegistryAreSaidInTheStepsTerms() throws IOException {
        Files.writeString(workspace.resolve("empty.yaml"), "registry: ''\n");
        BuildBaseImagesStep none = new BuildBaseImagesStep();
        none.setConfig("empty.yaml");
        assertThatThrownBy(() -> new TestStepContext(workspace, env).run(none, Duration.ofMinutes(1)))
                .isInstanceOf(AbortException.class).hasMessageStartingWith("no distribution to build: give distros: [...]");
        BuildBaseImagesStep noRegistry = new BuildBaseImagesStep();
        noRegistry.setConfig("empty.yaml");
        noRegistry.setDistros(List.of("bookworm"));
        noRegistry.setPublish(true);
        assertThatThrownBy(() -> new TestStepContext(workspace, env).run(noRegistry, Duration.ofMinutes(1)))
                .isInstanceOf(AbortException.class).hasMessageStartingWith("publish needs a registry: give registry: [url:, credentialsId:]");
    }

    @Test
    @Order(3)
    void theRegistryPasswordNeverReachesTheConsole() throws Exception {
        // The secret is in the distro name, which the step and the engine print: the console gets ****.
        String secret = "s3cret" + System.nanoTime();
        EngineSettings settings = new EngineSettings(".", "imagetree.yaml", registry.host(), "bot", Secret.fromString(secret),
                List.of(), env);
        BaseImageCalls.BaseInputs inputs = new BaseImageCalls.BaseInputs(new ArrayList<>(List.of("nosuchsuite" + secret)),
                null, null, null, null, null);
        TestStepContext.BufferListener listener = new TestStepContext.BufferListener();
        List<HashMap<String, Object>> bases = new BaseImageCalls.BuildBases(settings, inputs, false, listener)
                .invoke(workspace.toFile(), null);
        assertThat(bases).singleElement().satisfies(b -> assertThat(b.get("error")).isNotNull());
        assertThat(listener.text()).contains("[nosuchsuite****] failed: debuerreotype-init exited").doesNotContain(secret);
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void weeklyRefreshStopsWhenABaseFailsAndOtherwiseBumpsBuildsAndPublishesOnTheNewBase() throws Throwable {
        assertThat(bookwormDigest).as("bookworm from the first test").isNotNull();
        Path app = Files.createDirectories(workspace.resolve("weekly/app"));
        Files.writeString(app.resolve("Dockerfile.template"), "FROM {{ \"bookworm\" | image_tag }}\nLABEL weekly=yes\n");
        String first = "app (1.0-20260101) wikimedia; urgency=medium\n\n  * First.\n\n -- A <a@example.org>  Thu, 01 Jan 2026 10:00:00 +0000\n";
        Files.writeString(app.resolve("changelog"), first);

        // A failed base image stops the refresh before the weekly bump (issue 26): nothing bumped, nothing built.
        RefreshImageTreeStep failing = new RefreshImageTreeStep(List.of("weekly"));
        failing.setDistros(List.of("nosuchsuite"));
        failing.setConfig("imagetree.yaml");
        failing.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        failing.setUnstableOnFailure(true);
        TestStepContext stopped = new TestStepContext(workspace, env);
        Map<String, Object> none = (Map<String, Object>) stopped.run(failing, Duration.ofMinutes(5));
        assertSerializable(none);
        assertThat(maps(none.get("bases"))).singleElement().satisfies(b -> assertThat(b).containsEntry("distro", "nosuchsuite")
                .hasEntrySatisfying("error", e -> assertThat((String) e).contains("debuerreotype-init exited")));
        assertThat(maps(none.get("trees"))).isEmpty();
        assertThat(Files.readString(app.resolve("changelog"))).isEqualTo(first);
        assertThat(stopped.run.getResult()).isEqualTo(Result.UNSTABLE);
        assertThat(stopped.log()).contains("refresh stopped: a base image failed; no changelog was bumped and nothing was built")
                .contains("build unstable: 1 base image(s) or image(s) not built: nosuchsuite (");

        // The weekly bump dates by the agent's zone (as weekly-update.sh's `date`); base image tags are UTC days.
        String version = "1.0-w" + DateTimeFormatter.ofPattern("yyyyMMdd").format(LocalDate.now());
        created.add(0, registry.host() + "/app:latest");
        created.add(0, registry.host() + "/app:" + version);
        RefreshImageTreeStep step = new RefreshImageTreeStep(List.of("weekly"));
        step.setDistros(List.of("bookworm"));
        step.setConfig("imagetree.yaml");
        step.setRegistry(new DockerRegistryEndpoint("http://" + registry.host(), null));
        step.setJobs(1);
        TestStepContext ctx = new TestStepContext(workspace, env);
        Map<String, Object> result = (Map<String, Object>) ctx.run(step, Duration.ofMinutes(20));

        assertSerializable(result);
        String newBase = head(registry.host() + "/bookworm:latest").orElseThrow().digest();
        assertThat(maps(result.get("bases"))).singleElement().satisfies(b -> assertThat(b).containsEntry("distro", "bookworm")
                .containsEntry("digest", newBase));
        Map<String, Object> tree = maps(result.get("trees")).get(0);
        assertThat(tree).containsEntry("directory", "weekly");
        assertThat(maps(tree.get("bumps"))).singleElement().satisfies(b -> assertThat(b).containsEntry("name", "app")
                .containsEntry("oldVersion", "1.0-20260101").containsEntry("newVersion", version)
                .containsEntry("changelog", "weekly/app/changelog"));
        assertThat(Files.readString(app.resolve("changelog"))).startsWith("app (" + version + ") wikimedia; urgency=medium")
                .contains("Image Bot <images@example.org>");
        Map<String, Object> image = maps(tree.get("images")).get(0);
        assertThat(image).containsEntry("name", "app").containsEntry("tag", version).containsEntry("state", "published");
        assertThat(head(registry.host() + "/app:" + version).orElseThrow().digest()).isEqualTo(image.get("digest"));
        assertThat(baseDigestLabel(registry.host() + "/app:" + version)).as("built on the refreshed bookworm").isEqualTo(newBase);

        assertThat(ctx.run.getResult()).as("nothing failed: the result is not set").isNull();
        assertThat(ctx.run.getAction(ImageTreeAction.class)).isNotNull()
                .satisfies(a -> assertThat(a.count("published")).isEqualTo(1));
        assertThat(ctx.log()).contains("[imagetree] weekly bump of");
    }

    @Test
    @Order(5)
    void refreshRefusesToRunWithoutAPublishableRegistry() {
        RefreshImageTreeStep step = new RefreshImageTreeStep(List.of("weekly"));
        step.setDistros(List.of("bookworm"));
        step.setRegistry(new DockerRegistryEndpoint("https://registry.example.org", null));
        TestStepContext ctx = new TestStepContext(workspace, env);
        assertThatThrownBy(() -> ctx.run(step, Duration.ofMinutes(1))).isInstanceOf(AbortException.class)
                .hasMessageContaining("refreshImageTree publishes");
    }

    @Test
    @Order(6)
    void abortStopsDebuerreotype() throws Throwable {
        BuildBaseImagesStep step = new BuildBaseImagesStep();
        step.setDistros(List.of("bookworm"));
        step.setPublish(false);
        TestStepContext ctx = new TestStepContext(workspace, env);
        StepExecution execution = ctx.start(step);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!ctx.log().contains("[bookworm] ") && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(ctx.log()).contains("[bookworm] ");
        execution.stop(new InterruptedException("aborted by test"));
        assertThatThrownBy(() -> ctx.await(Duration.ofSeconds(60))).hasMessage("aborted by test");
        // Nothing of this build is left running: no process works in its scratch directory.
        String scratch = AgentCalls.workDir(workspace.toFile()).toString();
        long stopDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!processesUsing(scratch).isEmpty() && System.nanoTime() < stopDeadline) Thread.sleep(500);
        assertThat(processesUsing(scratch)).isEmpty();
        // and the engine's thread got out of the build: it removed its scratch directory.
        while (hasBaseScratch() && System.nanoTime() < stopDeadline) Thread.sleep(200);
        assertThat(hasBaseScratch()).isFalse();
    }

    private static boolean hasBaseScratch() throws IOException {
        try (var files = Files.list(AgentCalls.workDir(workspace.toFile()))) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("base-"));
        }
    }

    private static List<String> processesUsing(String path) {
        return TestEnvironment.run(Map.of(), "ps", "-eo", "pid,args").lines().filter(l -> l.contains(path) && !l.contains(" ps ")).toList();
    }

    private static String baseDigestLabel(String ref) throws IOException {
        ImageReference r = ImageReference.parse(ref);
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(client.getManifest(r).orElseThrow().content());
        byte[] config = client.getBlob(r.registry(), r.repository(), manifest.path("config").path("digest").asText()).orElseThrow();
        return json.readTree(config).path("config").path("Labels").path(BaseImageOf.DIGEST_LABEL).asText();
    }
}
