package org.imagetree.jenkins;

import hudson.util.Secret;
import org.imagetree.config.EngineConfig;
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
    void aPasswordTooShortToMaskIsRefused() {
        EngineSettings s = new EngineSettings("images", null, "r.example.org", "bot", Secret.fromString("pw"), List.of(), Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.config(workspace.toFile()))
                .isInstanceOf(org.imagetree.InputError.class).hasMessageContaining("shorter than 8").hasMessageNotContaining("pw ");
    }

    @Test
    void theConfigFilesAllowedRegistriesWinOverTheGlobalDefault() throws IOException {
        Files.writeString(workspace.resolve("config.yaml"), "registry: r.example.org\nallowed_registries: [a.example.org]\n");
        EngineSettings s = new EngineSettings(null, "config.yaml", null, null, null, List.of("b.example.org"), Map.of());
        assertThat(s.config(workspace.toFile()).allowedRegistries()).containsExactly("a.example.org");
        assertThat(s.directory()).isEqualTo(".");
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
        assertThat(m.mask("pulling pwgen")).as("too short to mask: not garbled").isEqualTo("pulling pwgen");
        assertThat(StepDefaults.parseRegistries("a.example.org\n# comment\n, b.example.org:5000\n\n")).containsExactly("a.example.org", "b.example.org:5000");
    }
}
