package org.imagetree.registry;

import org.imagetree.config.EngineConfig;
import org.imagetree.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void caBundleMustHoldCertificates(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
                "-keyout", dir.resolve("ca.key").toString(), "-out", pem.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");

        assertThat(RegistryClient.builder().caBundle(pem).build().options().caBundle()).isEqualTo(pem);
        assertThatThrownBy(() -> RegistryClient.builder().caBundle(empty).build())
                .isInstanceOf(InputError.class).hasMessageContaining("empty.pem");
        assertThatThrownBy(() -> RegistryClient.builder().caBundle(dir.resolve("missing.pem")).build())
                .isInstanceOf(InputError.class).hasMessageContaining("cannot read CA bundle");
    }
}
