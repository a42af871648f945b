package org.imagetree.registry;

import org.imagetree.model.ImageReference;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failed connection says why: refused, unknown host, TLS (with what to do); an unknown host is not retried (a DNS
 * failure that takes seconds per lookup made users wait half a minute). Real sockets, a real resolver, a real registry.
 */
class ConnectionErrorsTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20),
            java.time.Duration.ZERO);

    @Test
    void aRefusedConnectionSaysSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RegistryClient client = RegistryClient.builder().retryPolicy(FAST).build();
        assertThatThrownBy(() -> client.headManifest(ImageReference.parse("127.0.0.1:" + port + "/errors/app:1.0")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("failed after 3 attempt(s): connection refused: nothing listens at 127.0.0.1:" + port);
    }

    @Test
    void anUnknownHostSaysSoAndIsNotRetried() {
        RegistryClient client = RegistryClient.builder().retryPolicy(FAST).build();
        assertThatThrownBy(() -> client.headManifest(ImageReference.parse("no-such-registry.invalid/errors/app:1.0")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("failed after 1 attempt(s): unknown host: 'no-such-registry.invalid' does not resolve (DNS)");
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void tlsToAPlainHttpRegistryAndAnUntrustedCertificateSayWhatToDo(@TempDir Path dir) throws Exception {
        TestCertificates.Pair stranger = TestCertificates.rsa(dir);
        try (LocalRegistry plain = LocalRegistry.start(); LocalRegistry tls = LocalRegistry.startTls()) {
            for (String host : new String[]{plain.host(), tls.host()}) {
                Path d = Files.createDirectories(dir.resolve("certs.d").resolve(host));
                Files.copy(stranger.certificate(), d.resolve("ca.crt"));
            }
            RegistryClient client = RegistryClient.builder().certsDirectory(dir.resolve("certs.d")).retryPolicy(FAST).build();
            assertThatThrownBy(() -> client.headManifest(ImageReference.parse(plain.host() + "/errors/app:1.0")))
                    .hasMessageContaining("failed after 1 attempt(s): TLS failed: " + plain.host()
                            + " answers plain HTTP (list it in insecure_registries to use http)");
            assertThatThrownBy(() -> client.headManifest(ImageReference.parse(tls.host() + "/errors/app:1.0")))
                    .hasMessageContaining("failed after 1 attempt(s): TLS failed: the certificate of " + tls.host() + " is not trusted (")
                    .hasMessageContaining("give its CA with ca_bundle or certs_dir (Docker's certs.d)");
        }
    }
}
