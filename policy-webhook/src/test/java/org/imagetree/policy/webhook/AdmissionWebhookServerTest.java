package org.imagetree.policy.webhook;

import org.imagetree.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagetree.policy.admission.AdmissionRequests.MAPPER;
import static org.imagetree.policy.admission.AdmissionRequests.object;
import static org.imagetree.policy.admission.AdmissionRequests.podSpec;
import static org.imagetree.policy.admission.AdmissionRequests.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.admission.AdmissionReviewer;
import org.imagetree.policy.kubernetes.WorkloadKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook over real HTTPS on 127.0.0.1 with a self-signed certificate made by openssl. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdmissionWebhookServerTest {
    static final String GOOD = "docker-registry.wikimedia.org/python3:1.0";
    static final String BASE = "docker-registry.wikimedia.org/bookworm:20240101";
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir static Path dir;
    static TestCertificates.Pair rsa;
    static SSLContext clientTls;
    static AdmissionWebhookServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        rsa = TestCertificates.rsa(dir);
        clientTls = TestCertificates.trusting(rsa.certificate());
        server = newServer(PemTls.serverContext(rsa.certificate(), rsa.key()), Duration.ofSeconds(10));
        server.start();
        client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static AdmissionReviewer newServerReviewer() {
        return new AdmissionReviewer(
                RegistryPolicy.forDeployment(List.of("docker-registry.wikimedia.org"), "docker-registry.wikimedia.org", List.of("bookworm")),
                Set.of("kube-system", "imagetree-webhook"), MAPPER);
    }

    static AdmissionWebhookServer newServer(SSLContext tls, Duration grace) {
        AdmissionReviewer reviewer = newServerReviewer();
        AdmissionWebhookServer.Options options = AdmissionWebhookServer.Options.defaults()
                .withAddress(LOOPBACK_ANY_PORT).withShutdownGrace(grace).withMaxRequestBytes(64 * 1024);
        return new AdmissionWebhookServer(tls, reviewer, MAPPER, options);
    }

    static URI uri(AdmissionWebhookServer s, String path) {
        return URI.create("https://127.0.0.1:" + s.port() + path);
    }

    static HttpResponse<String> post(HttpClient c, AdmissionWebhookServer s, String body) throws IOException, InterruptedException {
        return c.send(HttpRequest.newBuilder(uri(s, "/validate")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode response(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode json = MAPPER.readTree(r.body());
        assertThat(json.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(json.path("kind").asText()).isEqualTo("AdmissionReview");
        return json.path("response");
    }

    @ParameterizedTest
    @EnumSource(WorkloadKind.class)
    void eachWorkloadKindAllowedAndDenied(WorkloadKind kind) throws Exception {
        JsonNode allowed = response(post(client, server, review("ok-" + kind, kind, "default", object(kind, podSpec(GOOD, GOOD, GOOD))).toString()));
        assertThat(allowed.path("uid").asText()).isEqualTo("ok-" + kind);
        assertThat(allowed.path("allowed").asBoolean(false)).isTrue();

        JsonNode denied = response(post(client, server,
                review("no-" + kind, kind, "default", object(kind, podSpec("nginx:1.25", "ghcr.io/x/init", BASE))).toString()));
        assertThat(denied.path("uid").asText()).isEqualTo("no-" + kind);
        assertThat(denied.path("allowed").asBoolean(true)).isFalse();
        assertThat(denied.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(denied.path("status").path("message").asText())
                .contains("container 'app' uses image 'nginx:1.25': is not from an allowed registry")
                .contains("container 'setup' (init) uses image 'ghcr.io/x/init'")
                .contains("container 'debugger' (ephemeral) uses image '" + BASE + "': is a base image");
    }

    @Test
    void exemptNamespaceAndUnknownKindAreAllowed() throws Exception {
        JsonNode exempt = response(post(client, server,
                review("e", WorkloadKind.DEPLOYMENT, "kube-system", object(WorkloadKind.DEPLOYMENT, podSpec("nginx", null, null))).toString()));
        assertThat(exempt.path("allowed").asBoolean(false)).isTrue();
        ObjectNode svc = MAPPER.createObjectNode().put("kind", "Service");
        JsonNode unknown = response(post(client, server, review("s", "", "Service", "services", "default", "CREATE", svc).toString()));
        assertThat(unknown.path("allowed").asBoolean(false)).isTrue();
        assertThat(unknown.path("uid").asText()).isEqualTo("s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"apiVersion\":", "[]", "42", "null",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"kind\":{\"kind\":\"Pod\"}}}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"namespace\":\"d\"}}"})
    void malformedRequestsGet400WithAJsonErrorAndTheServerKeepsRunning(String body) throws Exception {
        HttpResponse<String> r = post(client, server, body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(r.body()).path("error").asText()).isNotBlank();
        assertHealthy();
    }

    @Test
    void oversizedBodyGets413() throws Exception {
        HttpResponse<String> r = post(client, server, "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertHealthy();
    }

    @Test
    void wrongMethodsAndPaths() throws Exception {
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri(server, "/validate")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(uri(server, "/mutate")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        HttpResponse<String> postHealth = client.send(HttpRequest.newBuilder(uri(server, "/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(postHealth.statusCode()).isEqualTo(405);
    }

    @Test
    void http2IsNegotiatedByAlpnAndServesManyStreamsOnOneConnection() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_2).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            WorkloadKind kind = WorkloadKind.values()[i % WorkloadKind.values().length];
            String image = i % 2 == 0 ? GOOD : "evil.example/x:" + i;
            answers.add(h2.sendAsync(HttpRequest.newBuilder(uri(server, "/validate")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(review("h2-" + i, kind, "default", object(kind, podSpec(image, null, null))).toString()))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < answers.size(); i++) {
            HttpResponse<String> r = answers.get(i).get(60, TimeUnit.SECONDS);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            JsonNode response = response(r);
            assertThat(response.path("uid").asText()).isEqualTo("h2-" + i);
            assertThat(response.path("allowed").asBoolean(i % 2 != 0)).isEqualTo(i % 2 == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http/1.1"})
    void aClientThatOffersNoAlpnOrOnlyHttp11GetsHttp11AndHeadOfHealthzHasNoBody(String alpn) throws Exception {
        try (SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            if (!alpn.isEmpty()) { // as a Go client with HTTP/2 turned off
                javax.net.ssl.SSLParameters p = socket.getSSLParameters();
                p.setApplicationProtocols(new String[] {alpn});
                socket.setSSLParameters(p);
            }
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo(alpn);
            socket.getOutputStream().write("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 2\r\n").endsWith("\r\n\r\n");
        }
    }

    @Test
    void jettysOwnErrorsAreJsonWithoutServerDetails() throws Exception {
        // a Host the certificate does not cover (as curl -k https://localhost:8443 would send)
        try (SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: elsewhere.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json").endsWith("{\"error\":\"Invalid SNI\"}")
                    .doesNotContainIgnoringCase("jetty").doesNotContain("Server:");
        }
        // a request head over the limit
        HttpResponse<String> big = client.send(HttpRequest.newBuilder(uri(server, "/healthz")).header("X-Big", "x".repeat(20_000)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(431);
        assertThat(MAPPER.readTree(big.body()).path("error").asText()).isNotBlank();
        assertThat(big.headers().firstValue("Server")).isEmpty();
        assertHealthy();
    }

    @Test
    void clientThatDoesNotTrustTheCertificateCannotConnect() {
        HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(uri(server, "/healthz")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void twoHundredConcurrentRequestsAreAllAnsweredCorrectly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> results = new ArrayList<>();
            WorkloadKind[] kinds = WorkloadKind.values();
            for (int i = 0; i < 200; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    WorkloadKind kind = kinds[n % kinds.length];
                    boolean good = n % 2 == 0;
                    String uid = "c-" + n;
                    JsonNode r = response(post(client, server,
                            review(uid, kind, "ns-" + n, object(kind, podSpec(good ? GOOD : "evil.example/x:" + n, null, null))).toString()));
                    assertThat(r.path("uid").asText()).isEqualTo(uid);
                    assertThat(r.path("allowed").asBoolean(!good)).isEqualTo(good);
                    if (!good) assertThat(r.path("status").path("message").asText()).contains("'evil.example/x:" + n + "'");
                    return uid;
                }));
            }
            List<String> uids = new ArrayList<>();
            for (Future<String> f : results) uids.add(f.get(60, TimeUnit.SECONDS));
            assertThat(uids).hasSize(200).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ecKeyInSec1FormServesToo() throws Exception {
        Path ecDir = dir.resolve("ec");
        java.nio.file.Files.createDirectories(ecDir);
        TestCertificates.Pair ec = TestCertificates.ec(ecDir);
        try (AdmissionWebhookServer ecServer = newServer(PemTls.serverContext(ec.certificate(), ec.key()), Duration.ofSeconds(5))) {
            ecServer.start();
            HttpClient ecClient = HttpClient.newBuilder().sslContext(TestCertificates.trusting(ec.certificate()))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = ecClient.send(HttpRequest.newBuilder(uri(ecServer, "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
    }

    @Test
    void createFromPemFilesAsTheCommandLineDoes() throws Exception {
        AdmissionWebhookServer.Options options = AdmissionWebhookServer.Options.defaults().withAddress(LOOPBACK_ANY_PORT);
        try (AdmissionWebhookServer s = AdmissionWebhookServer.create(rsa.certificate(), rsa.key(),
                RegistryPolicy.of(List.of("registry.example"), List.of()), Set.of(), options)) {
            s.start();
            JsonNode r = response(post(client, s, review("f", WorkloadKind.POD, "default",
                    object(WorkloadKind.POD, podSpec("registry.example/app:1", null, null))).toString()));
            assertThat(r.path("allowed").asBoolean(false)).isTrue();
        }
        assertThat(AdmissionWebhookServer.Options.defaults().withPort(9443).address().getPort()).isEqualTo(9443);
    }

    @Test
    void lifecycle() throws Exception {
        AdmissionWebhookServer s = newServer(PemTls.serverContext(rsa.certificate(), rsa.key()), Duration.ofSeconds(5));
        assertThatThrownBy(s::port).isInstanceOf(IllegalStateException.class);
        s.start();
        assertThat(s.port()).isPositive().isNotEqualTo(server.port());
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        long t = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t)).as("idle close does not wait the grace period").isLessThan(Duration.ofSeconds(3));
        s.close();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsAcceptingAndFinishesTheRequestInFlight() throws Exception {
        AdmissionWebhookServer s = newServer(PemTls.serverContext(rsa.certificate(), rsa.key()), Duration.ofSeconds(20));
        s.start();
        int port = s.port();
        byte[] body = review("inflight", WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec(GOOD, null, null)))
                .toString().getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(500); // the handler is now blocked reading the rest of the body

            CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
            Thread.sleep(500);
            assertThat(closing).as("close waits for the request in flight").isNotDone();
            HttpClient fresh = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).as("no new connections while draining").isInstanceOf(IOException.class);

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            StringBuilder rest = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) rest.append(line).append('\n');
            assertThat(rest.toString()).contains("\"uid\":\"inflight\"", "\"allowed\":true");
            closing.get(15, TimeUnit.SECONDS);
        }
    }

    private static void assertHealthy() throws Exception {
        HttpResponse<String> h = client.send(HttpRequest.newBuilder(uri(server, "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEqualTo("ok");
    }
}
