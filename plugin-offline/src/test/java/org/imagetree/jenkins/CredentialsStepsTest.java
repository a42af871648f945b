package org.imagetree.jenkins;

import hudson.AbortException;
import org.imagetree.model.ImageReference;
import org.imagetree.registry.RegistryClient;
import org.imagetree.registry.RegistryCredentials;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestEnvironment;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which steps resolve a registry credential, against a real registry that requires a login: only those that push.
 * The base image comes from an open registry, the tree is published to the authenticated one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialsStepsTest {
    private static final String PASSWORD = "pub-Secret-7c1e";
    @TempDir static Path workspace;
    static LocalRegistry open;
    static LocalRegistry authenticated;
    static Map<String, String> env;

    @BeforeAll
    static void setUp() throws IOException {
        open = LocalRegistry.start();
        authenticated = LocalRegistry.start("publisher", PASSWORD);
        String base = TestEnvironment.publishBaseImage(open.host());
        Files.createDirectories(workspace.resolve("images/credtest-app"));
        Files.writeString(workspace.resolve("images/credtest-app/Dockerfile.template"), "FROM " + base + "\nRUN echo built > /built\n");
        Files.writeString(workspace.resolve("images/credtest-app/changelog"), String.join("\n",
                "credtest-app (1.0.0) wikimedia; urgency=medium", "", "  * New.", "",
                " -- T <t@example.org>  Mon, 02 Nov 2026 10:00:00 +0000", ""));
        Files.writeString(workspace.resolve("config.yaml"), String.join("\n",
                "registry: " + authenticated.host(),
                "allowed_registries: [" + open.host() + ", " + authenticated.host() + "]", ""));
        env = new HashMap<>(System.getenv());
        env.putAll(Map.of("DEBFULLNAME", "Jenkins Bot", "DEBEMAIL", "jenkins@example.org"));
    }

    @AfterAll
    static void tearDown() {
        if (open != null) open.close();
        if (authenticated != null) authenticated.close();
    }

    /** A context whose administrator configured the authenticated registry and its publisher credential. */
    private static TestStepContext context() {
        TestStepContext ctx = new TestStepContext(workspace, env);
        ctx.controller.credential("publisher", "127.0.0.1", "publisher", PASSWORD);
        ctx.controller.defaults = new StepDefaults("http://" + authenticated.host(), "publisher", List.of(), 0);
        return ctx;
    }

    @Test
    @Order(1)
    void lintUpdateAndAPlanWithoutPublishNeverResolveThePublisherCredential_aPlanToPublishDoes() throws Throwable {
        LintImageTreeStep lint = new LintImageTreeStep();
        lint.setDirectory("images");
        lint.setConfig("config.yaml");
        TestStepContext l = context();
        assertThat((List<?>) l.run(lint, Duration.ofMinutes(2))).isEmpty();
        assertThat(l.controller.resolved).isEmpty();

        ImageTreePlanStep plan = new ImageTreePlanStep();
        plan.setDirectory("images");
        plan.setConfig("config.yaml");
        TestStepContext p = context();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) p.run(plan, Duration.ofMinutes(2));
        assertThat(p.controller.resolved).isEmpty();
        // This registry wants a login even to read: without the credential the plan says so instead of guessing.
        assertThat(result.get("work")).isEqualTo(List.of());
        assertThat(p.log()).contains("blocked  registry check failed").contains("no credentials configured for " + authenticated.host());

        // A plan told to publish resolves it (docker-commons way), and plans what the build will do.
        plan.setPublish(true);
        TestStepContext withLogin = context();
        @SuppressWarnings("unchecked")
        Map<String, Object> published = (Map<String, Object>) withLogin.run(plan, Duration.ofMinutes(2));
        assertThat(withLogin.controller.resolved).containsExactly("publisher");
        assertThat(published.get("work")).as(withLogin.log()).isEqualTo(List.of("credtest-app"));

        UpdateImageTreeStep update = new UpdateImageTreeStep("credtest-app");
        update.setDirectory("images");
        update.setConfig("config.yaml");
        TestStepContext u = context();
        u.run(update, Duration.ofMinutes(2));
        assertThat(u.controller.resolved).isEmpty();
    }

    @Test
    @Order(2)
    void aCredentialForAnotherHostIsNotUsed() {
        BuildImageTreeStep build = new BuildImageTreeStep();
        build.setDirectory("images");
        build.setConfig("config.yaml");
        TestStepContext ctx = context();
        ctx.controller.credential("elsewhere", "registry.example.org", "publisher", PASSWORD);
        build.setRegistry(new DockerRegistryEndpoint("http://" + authenticated.host(), "elsewhere"));
        assertThatThrownBy(() -> ctx.run(build, Duration.ofMinutes(2))).isInstanceOf(AbortException.class)
                .hasMessage("Could not find credentials matching 'elsewhere' for registry host 127.0.0.1");
        assertThat(ctx.controller.resolved).containsExactly("elsewhere");
    }

    @Test
    @Order(3)
    void theBuildResolvesTheGlobalCredentialAndPublishesWithItMasked() throws Throwable {
        BuildImageTreeStep build = new BuildImageTreeStep();
        build.setDirectory("images");
        build.setConfig("config.yaml");
        build.setSelect("*credtest-app:*");
        TestStepContext ctx = context();
        List<?> images = (List<?>) ctx.run(build, Duration.ofMinutes(10));
        assertThat(ctx.controller.resolved).containsExactly("publisher");
        assertThat(images.stream().map(i -> ((Map<?, ?>) i).get("state")).toList()).isEqualTo(List.of("published"));
        String tag = (String) ((Map<?, ?>) images.get(0)).get("tag");
        RegistryClient client = RegistryClient.builder().credentials(new RegistryCredentials(authenticated.host(), "publisher", PASSWORD)).build();
        assertThat(client.headManifest(ImageReference.parse(authenticated.host() + "/credtest-app:" + tag))).isPresent();
        assertThat(ctx.log()).doesNotContain(PASSWORD);
    }

    /** A test registry's short password: accepted, used, masked like any other, with a warning (it was refused before). */
    @Test
    @Order(4)
    void aShortRegistryPasswordIsUsedAndMaskedWithAWarning() throws Throwable {
        String shortPassword = "pw7q2";
        try (LocalRegistry shortLogin = LocalRegistry.start("tester", shortPassword)) {
            ImageTreePlanStep plan = new ImageTreePlanStep();
            plan.setDirectory("images");
            plan.setConfig("config.yaml");
            plan.setPublish(true);
            plan.setRegistry(new DockerRegistryEndpoint("http://" + shortLogin.host(), "tester"));
            TestStepContext ctx = new TestStepContext(workspace, env);
            ctx.controller.credential("tester", "127.0.0.1", "tester", shortPassword);
            ctx.controller.defaults = new StepDefaults(null, null, List.of(open.host(), shortLogin.host()), 0);
            Files.writeString(workspace.resolve("short.yaml"), "registry: " + shortLogin.host() + "\n");
            plan.setConfig("short.yaml");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) ctx.run(plan, Duration.ofMinutes(2));
            assertThat(ctx.controller.resolved).containsExactly("tester");
            // Logged in: the registry answered (nothing there yet, so the image is work), no "blocked".
            assertThat(result.get("work")).as(ctx.log()).isEqualTo(List.of("credtest-app"));
            assertThat(ctx.log()).contains("[imagetree] warning: the registry password is shorter than 8 characters: it is masked as ****")
                    .doesNotContain(shortPassword);
        }
        SecretMasker masker = new SecretMasker(List.of(shortPassword));
        assertThat(masker.mask("login tester:pw7q2 failed")).isEqualTo("login tester:**** failed");
        assertThat(new SecretMasker(List.of(PASSWORD)).shortSecretWarning()).isEmpty();
    }
}
