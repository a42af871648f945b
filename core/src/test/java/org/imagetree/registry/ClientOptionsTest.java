package org.imagetree.registry;

import org.imagetree.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClientOptionsTest {
    @Test
    void engineConfigGivesCredentialsForItsRegistryAndInsecureHosts() {
        EngineConfig config = new EngineConfig(Map.of("registry", "docker-registry.example.org", "username", "prod-build",
                "password", "hunter2-secret", "insecure_registries", List.of("build.lan:5000", "plain.lan")));

        RegistryClient client = RegistryClient.builder(config).build();

        assertThat(client.options().credentials()).containsOnlyKeys("docker-registry.example.org");
        assertThat(client.usesPlainHttp("build.lan:5000")).isTrue();
        assertThat(client.usesPlainHttp("plain.lan:8080")).isTrue();
        assertThat(client.usesPlainHttp("localhost:5000")).isTrue();
        assertThat(client.usesPlainHttp("127.0.0.1:5000")).isTrue();
        assertThat(client.usesPlainHttp("docker-registry.example.org")).isFalse();
        assertThat(client.usesPlainHttp("build.lan:5001")).isFalse();
        assertThat(client.toString()).doesNotContain("hunter2-secret");
        assertThat(client.options().toString()).doesNotContain("hunter2-secret");
    }
}
