package org.imagetree.policy.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagetree.policy.admission.AdmissionRequests.object;
import static org.imagetree.policy.admission.AdmissionRequests.podSpec;
import static org.imagetree.policy.admission.AdmissionRequests.review;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.imagetree.policy.admission.AdmissionRequests;
import org.imagetree.policy.kubernetes.WorkloadKind;
import org.imagetree.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that open a connection and never finish a request (plain TCP that never says hello, TLS that never sends
 * a request, a request whose body never comes) do not delay an honest review, and are cut off by the timeouts.
 * Loopback only, 16 slow clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookStarvationTest {
    @TempDir Path dir;

    @Test
    void sixteenSlowClientsDoNotDelayAnHonestReview() throws Exception {
        TestCertificates.Pair rsa = TestCertificates.rsa(dir);
        try (AdmissionWebhookServer server = AdmissionWebhookServerTest.newServer(PemTls.serverContext(rsa.certificate(), rsa.key()),
                Duration.ofSeconds(1))) {
            server.start();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    switch (i % 3) {
                        case 0 -> slow.add(new Socket("127.0.0.1", server.port())); // TCP only: no TLS hello
                        case 1 -> {
                            SSLSocket s = (SSLSocket) TestCertificates.trusting(rsa.certificate()).getSocketFactory()
                                    .createSocket("127.0.0.1", server.port());
                            s.startHandshake(); // then no request at all
                            slow.add(s);
                        }
                        default -> {
                            SSLSocket s = (SSLSocket) TestCertificates.trusting(rsa.certificate()).getSocketFactory()
                                    .createSocket("127.0.0.1", server.port());
                            OutputStream out = s.getOutputStream(); // a request whose body never comes
                            out.write("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            slow.add(s);
                        }
                    }
                }
                HttpClient client = HttpClient.newBuilder().sslContext(TestCertificates.trusting(rsa.certificate()))
                        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
                long start = System.nanoTime();
                HttpResponse<String> r = AdmissionWebhookServerTest.post(client, server, review("honest", WorkloadKind.POD, "default",
                        object(WorkloadKind.POD, podSpec(AdmissionWebhookServerTest.GOOD, null, null))).toString());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                JsonNode response = AdmissionWebhookServerTest.response(r);
                assertThat(response.path("uid").asText()).isEqualTo("honest");
                assertThat(response.path("allowed").asBoolean(false)).isTrue();
                assertThat(took).as("an honest review while 16 clients hang").isLessThan(Duration.ofSeconds(3));
            } finally {
                for (Socket s : slow) s.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesIsCutOffByTheTimeouts() throws Exception {
        TestCertificates.Pair rsa = TestCertificates.rsa(dir);
        AdmissionWebhookServer.Options options = AdmissionWebhookServer.Options.defaults()
                .withAddress(AdmissionWebhookServerTest.LOOPBACK_ANY_PORT).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
        try (AdmissionWebhookServer server = new AdmissionWebhookServer(PemTls.serverContext(rsa.certificate(), rsa.key()),
                AdmissionWebhookServerTest.newServerReviewer(), AdmissionRequests.MAPPER, options);
             Socket plain = new Socket("127.0.0.1", startAndPort(server))) {
            // the server closes the connection that never sent a TLS hello: the read ends instead of blocking
            assertClosedByServer(plain);
            SSLSocket tls = (SSLSocket) TestCertificates.trusting(rsa.certificate()).getSocketFactory().createSocket("127.0.0.1", server.port());
            tls.startHandshake();
            tls.getOutputStream().write("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            assertClosedByServer(tls); // the body never came
            tls.close();
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnce() throws Exception {
        TestCertificates.Pair rsa = TestCertificates.rsa(dir);
        AdmissionWebhookServer.Options options = AdmissionWebhookServer.Options.defaults()
                .withAddress(AdmissionWebhookServerTest.LOOPBACK_ANY_PORT).withMaxConnections(2);
        try (AdmissionWebhookServer server = new AdmissionWebhookServer(PemTls.serverContext(rsa.certificate(), rsa.key()),
                AdmissionWebhookServerTest.newServerReviewer(), AdmissionRequests.MAPPER, options)) {
            server.start();
            try (Socket a = new Socket("127.0.0.1", server.port()); Socket b = new Socket("127.0.0.1", server.port());
                 Socket c = new Socket("127.0.0.1", server.port())) {
                assertClosedByServer(c); // the third one
            }
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Path one = Files.createDirectories(dir.resolve("one"));
        Path two = Files.createDirectories(dir.resolve("two"));
        TestCertificates.Pair a = TestCertificates.rsa(one);
        TestCertificates.Pair b = TestCertificates.rsa(two);
        TestCertificates.Pair ec = TestCertificates.ec(two);
        assertThatThrownBy(() -> PemTls.serverContext(a.certificate(), b.key()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong to");
        assertThatThrownBy(() -> PemTls.serverContext(a.certificate(), ec.key()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong to");
        assertThat(PemTls.serverContext(ec.certificate(), ec.key())).isNotNull();
    }

    /** Reads until the server closes (end of stream or reset); a read that times out means it did not. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // a TLS alert may come first
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException e) {
            // reset by the server: closed too
        }
    }

    private static int startAndPort(AdmissionWebhookServer server) throws IOException {
        server.start();
        return server.port();
    }
}
