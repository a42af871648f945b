package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.util.Secret;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What crosses to the agent, and how it becomes the engine's configuration there. */
class EngineSettingsTest {
    @TempDir Path workspace;

    @Test
    void theStepRegistryAndCredentialsOverrideTheConfigFileAndGlobalAllowedRegistriesAreADefault() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "registry: registry.example.org\nnamespace: releng\n");
        EngineSettings s = new EngineSettings("images", "config.yaml", EngineSettings.registryHost("https://other.example.org:5000/"),
                "bot", Secret.fromString("s3cret-pass"), List.of("registry.example.org", "other.example.org:5000"), Map.of());
        EngineConfig c = s.config(workspace.toFile());
        assertThat(c.registry()).isEqualTo("other.example.org:5000");
        assertThat(c.namespace()).isEqualTo("releng");
        assertThat(c.username()).contains("bot");
        assertThat(c.password()).contains("s3cret-pass");
        assertThat(c.allowedRegistries()).containsExactly("registry.example.org", "other.example.org:5000");
        assertThat(s.imageDirectory(workspace.toFile())).isEqualTo(workspace.resolve("images"));
        assertThat(s.secrets()).containsExactly("s3cret-pass");
    }

    @Test
    void unknownConfigKeysAreWarnedAbout() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "registry: r.example.org\nregsitry: x\n");
        EngineSettings s = new EngineSettings(null, "config.yaml", null, null, null, List.of(), Map.of());
        assertThat(s.config(workspace.toFile()).warnings()).singleElement().asString()
                .endsWith("config.yaml:2: unknown key 'regsitry' (did you mean 'registry'?); it is kept for templates");
    }

    @Test
    void aShortPasswordIsAcceptedAndTheConsoleWarnsThatItsMaskMayHideOtherText() {
        EngineSettings s = new EngineSettings("images", null, "r.example.org", "bot", Secret.fromString("pw"), List.of(), Map.of());
        assertThat(s.config(workspace.toFile()).values()).containsEntry("password", "pw").containsEntry("username", "bot");
        assertThat(new SecretMasker(s.secrets()).shortSecretWarning()).hasValueSatisfying(w -> assertThat(w)
                .startsWith("[imagetree] warning: the registry password is shorter than 8 characters").doesNotContain("pw "));
    }

    @Test
    void theConfigFileMayNarrowTheAdministratorsAllowedRegistries() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "registry: a.example.org\nallowed_registries: [a.example.org/releng, b.example.org]\n");
        EngineSettings s = new EngineSettings(null, "config.yaml", null, null, null, List.of("a.example.org", "b.example.org", "c.example.org"), Map.of());
        assertThat(s.config(workspace.toFile()).allowedRegistries()).containsExactly("a.example.org/releng", "b.example.org");
        assertThat(s.directory()).isEqualTo(".");
    }

    @Test
    void theConfigFileCannotWidenTheAdministratorsAllowedRegistries() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "registry: r.example.org\n# fork's change\nallowed_registries: [a.example.org, evil.example.org]\n");
        EngineSettings s = new EngineSettings(null, "config.yaml", null, null, null, List.of("a.example.org"), Map.of());
        assertThatThrownBy(() -> s.config(workspace.toFile())).isInstanceOf(InputError.class)
                .hasMessageStartingWith("config.yaml:3: allowed_registries entry 'evil.example.org' is outside the registries the Jenkins administrator allows (a.example.org)");

        // A path below the ceiling narrows; a sibling path (or the whole registry above a path) widens.
        Files.writeString(workspace.resolve("config.yaml"), "allowed_registries: [a.example.org/releng-evil]\n");
        EngineSettings path = new EngineSettings(null, "config.yaml", null, null, null, List.of("a.example.org/releng"), Map.of());
        assertThatThrownBy(() -> path.config(workspace.toFile())).isInstanceOf(InputError.class).hasMessageContaining("'a.example.org/releng-evil'");
        Files.writeString(workspace.resolve("config.yaml"), "allowed_registries: [a.example.org]\n");
        assertThatThrownBy(() -> path.config(workspace.toFile())).isInstanceOf(InputError.class).hasMessageContaining("'a.example.org'");
        Files.writeString(workspace.resolve("config.yaml"), "allowed_registries: [a.example.org/releng/tools]\n");
        assertThat(path.config(workspace.toFile()).allowedRegistries()).containsExactly("a.example.org/releng/tools");
    }

    @Test
    void withoutAnAdministratorsListTheConfigFileDecides() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "allowed_registries: [anything.example.org]\n");
        EngineSettings s = new EngineSettings(null, "config.yaml", null, null, null, List.of(), Map.of());
        assertThat(s.config(workspace.toFile()).allowedRegistries()).containsExactly("anything.example.org");
    }

    @Test
    void aDockerRegistryTokenBecomesALoginWithoutShowingTheSecretInMessages() throws Exception {
        String token = java.util.Base64.getEncoder().encodeToString("bot:pa:ss".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RegistryLogin login = RegistryLogin.fromToken("publisher", new DockerRegistryToken("", token));
        assertThat(login.username()).isEqualTo("bot");
        assertThat(login.password().getPlainText()).isEqualTo("pa:ss");
        assertThat(login.toString()).doesNotContain("pa:ss");
        String notUserPassword = java.util.Base64.getEncoder().encodeToString("ya29.oauth-token".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> RegistryLogin.fromToken("gcr", new DockerRegistryToken("", notUserPassword)))
                .isInstanceOf(AbortException.class).hasMessage("Credentials 'gcr' give a Docker registry token that is not a username and password");
        assertThatThrownBy(() -> RegistryLogin.fromToken("gcr", new DockerRegistryToken("", "not base64 !")))
                .isInstanceOf(AbortException.class).message().doesNotContain("not base64");
        // A token source that gives no token at all: the same clear message (checked, not a caught NullPointerException).
        assertThatThrownBy(() -> RegistryLogin.fromToken("empty", new DockerRegistryToken("", null)))
                .isInstanceOf(AbortException.class).hasMessage("Credentials 'empty' give a Docker registry token that is not a username and password");
    }

    /** What the global credentials list filters by is what a step's lookup has: its host, and no SYSTEM scope. */
    @Test
    void theDefaultCredentialsListUsesTheStepsLookupRules() {
        assertThat(JenkinsControllerSide.requirements("https://docker-registry.example.org:5000/")).singleElement()
                .isInstanceOfSatisfying(com.cloudbees.plugins.credentials.domains.HostnameRequirement.class,
                        r -> assertThat(r.getHostname()).isEqualTo("docker-registry.example.org"));
        assertThat(((com.cloudbees.plugins.credentials.domains.HostnameRequirement) JenkinsControllerSide.requirements(null).get(0)).getHostname())
                .as("no URL: Docker Hub, as a step without one looks up").isEqualTo("index.docker.io");
        for (com.cloudbees.plugins.credentials.CredentialsScope scope : com.cloudbees.plugins.credentials.CredentialsScope.values()) {
            com.cloudbees.plugins.credentials.Credentials c = () -> scope;
            assertThat(JenkinsControllerSide.USABLE_BY_JOBS.matches(c)).as(scope.name())
                    .isEqualTo(scope != com.cloudbees.plugins.credentials.CredentialsScope.SYSTEM);
        }
    }

    @Test
    void credentialDomainIsTheRegistrysHostName() {
        assertThat(JenkinsControllerSide.hostname("https://docker-registry.example.org:5000/v2/")).isEqualTo("docker-registry.example.org");
        assertThat(JenkinsControllerSide.hostname("127.0.0.1:5000")).isEqualTo("127.0.0.1");
        assertThat(JenkinsControllerSide.hostname(null)).isEqualTo("index.docker.io");
    }

    @Test
    void settingsAndCallsSerialize() throws IOException {
        EngineSettings s = new EngineSettings("images", null, "r.example.org", "bot", Secret.fromString("pw"), List.of(), Map.of("HOME", "/home/x"));
        AgentCalls.TreeOptions o = new AgentCalls.TreeOptions("*web:*", true, false, false, true, null, 2);
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(s);
            out.writeObject(o);
            out.writeObject(new AgentCalls.LintTree(s, "HEAD", new TestStepContext.BufferListener()));
            out.writeObject(new TreeRun(List.of(new ImageRow("a", "1", "r/a:1", "published", null, "sha256:x", 3, "", 0, List.of())),
                    List.of(List.of("a")), "summary"));
        }
    }

    @Test
    void registryHostFromEndpointUrls() {
        assertThat(EngineSettings.registryHost("https://docker-registry.wikimedia.org")).isEqualTo("docker-registry.wikimedia.org");
        assertThat(EngineSettings.registryHost("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
        assertThat(EngineSettings.registryHost("registry:5000")).isEqualTo("registry:5000");
        assertThat(EngineSettings.registryHost("")).isNull();
        assertThat(EngineSettings.registryHost(null)).isNull();
    }

    @Test
    void secretsAreMasked() {
        SecretMasker m = new SecretMasker(List.of("s3cret-pass", "", "pw"));
        assertThat(m.mask("login bot:s3cret-pass failed")).isEqualTo("login bot:**** failed");
        assertThat(m.mask("pulling pwgen")).as("short, masked all the same (hence the warning)").isEqualTo("pulling ****gen");
        assertThat(StepDefaults.parseRegistries("a.example.org\n# comment\n, b.example.org:5000\n\n")).containsExactly("a.example.org", "b.example.org:5000");
    }
}
