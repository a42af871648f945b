package org.imagetree.registry;

import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;
import org.imagetree.model.ImageTreeLoader;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlanOptions;
import org.imagetree.plan.Planner;
import org.imagetree.testing.ImageDefinitions;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TestCertificates;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pipelined manifest checks ({@link ManifestProbe} through {@link RegistryClient#probeManifests}): against a real
 * registry they answer exactly what one {@code HEAD} at a time answers; against a server that misbehaves (closes,
 * stalls, errors, speaks HTTP/1.0, leaves the digest out, asks for credentials) they answer only what they were told
 * for certain, and a plan still gets every answer through the ordinary client.
 */
class ManifestProbeTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void answersWhatOneHeadAtATimeAnswersOnARealRegistry() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.builder().build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ImageReference ref = ImageReference.parse(registry.host() + "/probe/img" + i + ":1.0");
                TinyImage.docker("img" + i).publishTo(client, ref);
            }
            for (int i = 0; i < 40; i++) {
                refs.add(ImageReference.parse(registry.host() + "/probe/img" + (i % 8) + ":" + (i % 3 == 0 ? "latest" : "1.0")));
                refs.add(ImageReference.parse(registry.host() + "/probe/img" + i + ":2.0")); // never published
                refs.add(ImageReference.parse(registry.host() + "/nowhere/r" + i + ":1.0")); // unknown repository
            }
            long before = client.requestCount();

            Map<ImageReference, Optional<ManifestDescriptor>> answers = client.probeManifests(registry.host(), refs);

            List<ImageReference> distinct = refs.stream().distinct().toList();
            assertThat(answers).hasSize(distinct.size());
            assertThat(client.requestCount() - before).isEqualTo(distinct.size());
            for (ImageReference ref : distinct) assertThat(answers.get(ref)).as(ref.toString()).isEqualTo(client.headManifest(ref));
            assertThat(answers.values().stream().filter(Optional::isPresent).count()).isEqualTo(6 + 6); // 1.0 and latest
        }
    }

    @Test
    void aRegistryThatAsksForCredentialsIsLeftToTheClientThatHasThem(@TempDir Path dir) throws IOException {
        try (LocalRegistry registry = LocalRegistry.start("probe-user", "probe-password-1")) {
            RegistryCredentials creds = new RegistryCredentials(registry.host(), "probe-user", "probe-password-1");
            RegistryClient pusher = RegistryClient.builder().credentials(creds).build();
            for (int i = 0; i < 6; i++) {
                ImageDefinitions.write(dir, "auth" + i, "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
                if (i % 2 == 0) TinyImage.docker("auth" + i).publishTo(pusher, ImageReference.parse(registry.host() + "/auth" + i + ":1.0"));
            }
            RegistryClient client = RegistryClient.builder().credentials(creds).build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 6; i++) refs.add(ImageReference.parse(registry.host() + "/auth" + i + ":1.0"));
            assertThat(client.probes(registry.host())).isTrue();
            assertThat(client.probeManifests(registry.host(), refs)).as("401 is never an answer").isEmpty();

            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", registry.host(),
                    "base_images", List.of(registry.host() + "/bookworm:latest")));
            BuildPlan plan = new Planner(config, client, null, 8).plan(new ImageTreeLoader(config, 2).load(dir, ""), PlanOptions.defaults());

            for (int i = 0; i < 6; i++) {
                assertThat(plan.get("auth" + i).action()).as("auth" + i).isEqualTo(i % 2 == 0 ? Action.NONE : Action.BUILD);
            }
            // Challenged once, the client now sends credentials up front, which the probe never does: it stands aside.
            assertThat(client.probes(registry.host())).isFalse();
            assertThat(client.probeManifests(registry.host(), refs)).isEmpty();
        }
    }

    @Test
    void aServerClosingMidwayErroringOrStallingGetsOnlyItsCertainAnswersTrusted(@TempDir Path dir) throws Exception {
        // 30 images: 60 references over two connections. Published: the even ones (1.0 and latest). The server closes
        // the first connection after 5 answers, answers 503 for img7's label and speaks HTTP/1.0 for img9's (which
        // would say it is published).
        try (ScriptedServer server = new ScriptedServer((conn, index, path) -> {
            if (conn == 0 && index == 5) return null; // close without answering
            if (path.contains("/img7/manifests/1.0")) return status(503, "");
            // (to the probe's two connections only: the ordinary client asking again gets the true answer)
            if (conn < 2 && path.contains("/img9/manifests/1.0")) return "HTTP/1.0 200 OK\r\nDocker-Content-Digest: " + DIGEST + "\r\n\r\n";
            return published(path) ? ok() : status(404, "");
        })) {
            for (int i = 0; i < 30; i++) ImageDefinitions.write(dir, "img" + i, "1.0", "FROM {{ \"bookworm\" | image_tag }}\n");
            RegistryClient client = RegistryClient.builder().retryPolicy(RetryPolicy.NONE).build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                refs.add(ImageReference.parse(server.host() + "/img" + i + ":1.0"));
                refs.add(ImageReference.parse(server.host() + "/img" + i + ":latest"));
            }

            Map<ImageReference, Optional<ManifestDescriptor>> answers = client.probeManifests(server.host(), refs);

            assertThat(answers).hasSizeLessThan(refs.size());
            assertThat(answers).doesNotContainKeys(ImageReference.parse(server.host() + "/img7:1.0"),
                    ImageReference.parse(server.host() + "/img9:1.0"));
            answers.forEach((ref, answer) -> assertThat(answer.isPresent()).as(ref.toString())
                    .isEqualTo(published("/v2/" + ref.repository() + "/manifests/" + ref.reference())));
            assertThat(server.connections()).isBetween(1, ManifestProbe.MAX_CONNECTIONS);

            // Through a plan, the unanswered ones are asked one by one: every image gets its true state, and the
            // one the server keeps failing is reported as a failed check, not as unpublished.
            EngineConfig config = ConfigLoader.fromMap(Map.of("registry", server.host(),
                    "base_images", List.of(server.host() + "/bookworm:latest")));
            BuildPlan plan = new Planner(config, client, null, 8).plan(new ImageTreeLoader(config, 2).load(dir, ""), PlanOptions.defaults());
            for (int i = 0; i < 30; i++) {
                if (i == 7) continue;
                assertThat(plan.get("img" + i).action()).as("img" + i).isEqualTo(i % 2 == 0 ? Action.NONE : Action.BUILD);
            }
            assertThat(plan.get("img7").reason()).contains("registry check failed").contains("503");
        }
    }

    @Test
    void aStallingServerIsLeftAfterTheStallTimeout() throws Exception {
        try (ScriptedServer server = new ScriptedServer((conn, index, path) -> index == 2 ? "STALL" : published(path) ? ok() : status(404, ""))) {
            RegistryClient client = RegistryClient.builder().requestTimeout(Duration.ofMillis(500)).build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 10; i++) refs.add(ImageReference.parse(server.host() + "/img" + i + ":1.0"));
            long t0 = System.nanoTime();

            Map<ImageReference, Optional<ManifestDescriptor>> answers = client.probeManifests(server.host(), refs);

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(answers).hasSize(2); // the two answered before the stall
            assertThat(answers.keySet()).containsExactlyInAnyOrder(refs.get(0), refs.get(1));
        }
    }

    @Test
    void anAnswerClosingTheConnectionCountsAndWhatFollowsItIsLeft() throws Exception {
        try (ScriptedServer server = new ScriptedServer((conn, index, path) -> path.contains("/img5/")
                ? "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n" : published(path) ? ok() : status(404, ""))) {
            RegistryClient client = RegistryClient.builder().build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 10; i++) refs.add(ImageReference.parse(server.host() + "/img" + i + ":1.0")); // one connection

            Map<ImageReference, Optional<ManifestDescriptor>> answers = client.probeManifests(server.host(), refs);

            assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(refs.subList(0, 6));
            assertThat(answers.get(refs.get(5))).as("404, then the server closes: answered").isEmpty();
            assertThat(answers.get(refs.get(0))).get().isEqualTo(new ManifestDescriptor(DIGEST,
                    "application/vnd.docker.distribution.manifest.v2+json", 528));
            assertThat(answers.get(refs.get(1))).isEmpty();
        }
    }

    @Test
    void aDigestlessAnswerIsNotTakenAndEndsItsConnection() throws Exception {
        try (ScriptedServer server = new ScriptedServer((conn, index, path) -> path.contains("/img3/")
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" : published(path) ? ok() : status(404, ""))) {
            RegistryClient client = RegistryClient.builder().build();
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 10; i++) refs.add(ImageReference.parse(server.host() + "/img" + i + ":1.0"));

            Map<ImageReference, Optional<ManifestDescriptor>> answers = client.probeManifests(server.host(), refs);

            assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(refs.subList(0, 3));
            assertThat(server.connections()).as("ten references take one connection").isEqualTo(1);
        }
    }

    @Test
    void overTlsItOffersX25519AloneAndARegistryWithoutItGetsTheJdkDefaultsAfterOneRefusal(@TempDir Path dir) throws Exception {
        assumeTrue(ManifestProbe.choosesGroups(), "SSLParameters.setNamedGroups: Java 20 and later");
        TestCertificates.Server tls = TestCertificates.server(dir);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 10; i++) paths.add("/v2/img" + i + "/manifests/1.0"); // one connection
        // A registry with x25519: the one-share handshake is taken, one connection asks all.
        try (ScriptedServer server = tlsServer(tls, "x25519")) {
            ManifestProbe probe = probe(server, tls);
            List<ManifestProbe.Answer> answers = probe.head(paths, () -> { });

            assertThat(answers).doesNotContainNull();
            assertThat(answers.get(0).manifest()).isPresent();
            assertThat(answers.get(1).manifest()).isEmpty();
            assertThat(probe.offersDefaultGroups()).isFalse();
            assertThat(server.connections()).isEqualTo(1);
        }
        // A registry with P-256 only: the first handshake is refused (so P-256 was not offered), the probe connects
        // again with the JDK's defaults, answers everything, and its later connections offer the defaults at once.
        try (ScriptedServer server = tlsServer(tls, "secp256r1")) {
            ManifestProbe probe = probe(server, tls);
            List<ManifestProbe.Answer> answers = probe.head(paths, () -> { });

            assertThat(answers).doesNotContainNull();
            assertThat(answers.get(4).manifest()).isPresent();
            assertThat(answers.get(5).manifest()).isEmpty();
            assertThat(probe.offersDefaultGroups()).isTrue();
            assertThat(server.connections()).as("one refused, one asking").isEqualTo(2);

            assertThat(probe.head(paths, () -> { })).doesNotContainNull();
            assertThat(server.connections()).as("no second refusal").isEqualTo(3);
        }
    }

    @Test
    void groupsChosenWithJdkTlsNamedGroupsAreOfferedAsTheyAre(@TempDir Path dir) throws Exception {
        assumeTrue(ManifestProbe.choosesGroups(), "SSLParameters.setNamedGroups: Java 20 and later");
        assumeTrue(System.getProperty("jdk.tls.namedGroups") == null, "the JVM's groups are already chosen");
        TestCertificates.Server tls = TestCertificates.server(dir);
        List<String> paths = List.of("/v2/img0/manifests/1.0", "/v2/img1/manifests/1.0");
        System.setProperty("jdk.tls.namedGroups", "secp256r1,x25519");
        try (ScriptedServer server = tlsServer(tls, "secp256r1")) {
            ManifestProbe probe = probe(server, tls);

            assertThat(probe.head(paths, () -> { })).doesNotContainNull();
            assertThat(server.connections()).as("not narrowed to x25519, so not refused").isEqualTo(1);
            assertThat(probe.offersDefaultGroups()).isFalse();
        } finally {
            System.clearProperty("jdk.tls.namedGroups");
        }
    }

    /** A TLS server answering every manifest check ({@link #published}) and offering only {@code group}. */
    private static ScriptedServer tlsServer(TestCertificates.Server tls, String group) throws IOException {
        return new ScriptedServer(tlsSocket(tls, group), (conn, index, path) -> published(path) ? ok() : status(404, ""));
    }

    /** A TLS server socket offering only {@code group} (all the JDK's groups when null). */
    private static javax.net.ssl.SSLServerSocket tlsSocket(TestCertificates.Server tls, String group) throws IOException {
        javax.net.ssl.SSLServerSocket socket = (javax.net.ssl.SSLServerSocket) tls.context().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (group != null) {
            javax.net.ssl.SSLParameters p = socket.getSSLParameters();
            ManifestProbe.namedGroups(p, List.of(group));
            socket.setSSLParameters(p);
        }
        return socket;
    }

    private static ManifestProbe probe(ScriptedServer server, TestCertificates.Server tls) throws Exception {
        return new ManifestProbe("127.0.0.1", server.port(), server.host(), TestCertificates.trusting(tls.certificate()),
                "application/vnd.docker.distribution.manifest.v2+json", "test", Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void pathsThatCouldSplitARequestAreNeverProbed() {
        assertThat(ManifestProbe.probeable("/v2/team/app/manifests/1.0-2_b")).isTrue();
        assertThat(ManifestProbe.probeable("/v2/app/manifests/sha256:" + "0".repeat(64))).isTrue();
        assertThat(ManifestProbe.probeable("/v2/app/manifests/1.0\r\nX-Injected: 1")).isFalse();
        assertThat(ManifestProbe.probeable("/v2/app/manifests/1.0 HTTP/1.1")).isFalse();
        assertThat(ManifestProbe.probeable("/v2/app/blobs/1.0")).isFalse();
        assertThat(ManifestProbe.probeable("/v2/App/manifests/1.0")).isFalse();
    }

    // ---------------------------------------------------------------- a scripted HTTP/1.1 server

    /** Even-numbered images are published, under any tag; so is every image without a number (a base image). */
    private static boolean published(String path) {
        String digits = path.substring("/v2/".length(), path.indexOf("/manifests/")).replaceAll("\\D", "");
        return digits.isEmpty() || Integer.parseInt(digits) % 2 == 0;
    }

    private static String ok() {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.distribution.manifest.v2+json\r\nContent-Length: 528\r\n"
                + "Docker-Content-Digest: " + DIGEST + "\r\n\r\n";
    }

    private static String status(int code, String headers) {
        return "HTTP/1.1 " + code + " X\r\nContent-Length: 0\r\n" + headers + "\r\n";
    }

    @FunctionalInterface
    interface Script {
        /** The raw answer to request {@code index} (0-based) on connection {@code conn}; null closes; "STALL" stalls. */
        String answer(int conn, int index, String path);
    }

    /** Answers HEAD requests by script, one connection per thread, reading pipelined requests in order. */
    static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Script script;
        private final AtomicInteger connections = new AtomicInteger();
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        ScriptedServer(Script script) throws IOException {
            this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
        }

        /** On {@code socket} (a TLS server socket: each connection's handshake happens at its first read). */
        ScriptedServer(ServerSocket socket, Script script) {
            this.script = script;
            this.socket = socket;
            Thread t = new Thread(this::accept, "scripted-registry");
            t.setDaemon(true);
            t.start();
        }

        String host() { return "127.0.0.1:" + socket.getLocalPort(); }

        int port() { return socket.getLocalPort(); }

        int connections() { return connections.get(); }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    int conn = connections.getAndIncrement();
                    Thread t = new Thread(() -> serve(s, conn), "scripted-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s, int conn) {
            try (s) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                for (int index = 0; ; index++) {
                    String requestLine = in.readLine();
                    if (requestLine == null) return;
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) { /* headers */ }
                    String path = requestLine.split(" ")[1];
                    String answer = script.answer(conn, index, path);
                    if (answer == null) return;
                    if (answer.equals("STALL")) {
                        Thread.sleep(30_000);
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (answer.contains("Connection: close")) return;
                }
            } catch (IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) s.close();
            }
        }
    }
}
