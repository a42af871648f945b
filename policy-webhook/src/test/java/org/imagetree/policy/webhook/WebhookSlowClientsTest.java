package org.imagetree.policy.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagetree.policy.admission.AdmissionRequests.MAPPER;
import static org.imagetree.policy.admission.AdmissionRequests.object;
import static org.imagetree.policy.admission.AdmissionRequests.podSpec;
import static org.imagetree.policy.admission.AdmissionRequests.review;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.imagetree.policy.kubernetes.WorkloadKind;
import org.imagetree.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that hold connections without finishing anything, of every kind a webhook facing a cluster meets: TCP
 * without a TLS hello, half a TLS hello, half a request head, half a body over HTTP/1.1 and over HTTP/2. They must not
 * delay an honest review, and each is cut off by the timeout that governs it (not only by the idle timeout, which a
 * client that trickles bytes never reaches). Loopback only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookSlowClientsTest {
    static final int SLOW_CLIENTS = 64;
    static final Duration LONG = Duration.ofSeconds(120);

    @TempDir static Path dir;
    static TestCertificates.Pair rsa;
    static SSLContext clientTls;

    @BeforeAll
    static void certificates() throws Exception {
        rsa = TestCertificates.rsa(dir);
        clientTls = TestCertificates.trusting(rsa.certificate());
    }

    static AdmissionWebhookServer server(AdmissionWebhookServer.Options options) throws Exception {
        AdmissionWebhookServer s = new AdmissionWebhookServer(PemTls.serverContext(rsa.certificate(), rsa.key()),
                AdmissionWebhookServerTest.newServerReviewer(), MAPPER, options);
        s.start();
        return s;
    }

    static AdmissionWebhookServer.Options options() {
        return AdmissionWebhookServer.Options.defaults().withAddress(AdmissionWebhookServerTest.LOOPBACK_ANY_PORT)
                .withShutdownGrace(Duration.ofSeconds(1));
    }

    /**
     * 64 slow clients stay attached (the timeouts are long; after the reviews each client checks that its connection
     * is still open), and honest reviews on fresh connections, HTTP/1.1 and HTTP/2, are each timed from request to
     * answer. The machine is shared and busy: the code paths are warmed up first on a server of their own (class
     * loading is not the server's latency), and the bound is on the median of five reviews, so that one stall of the
     * machine does not decide it; a server that slow clients delay fails all five.
     */
    @Test
    void sixtyFourSlowClientsOfEveryKindDoNotDelayAnHonestReview() throws Exception {
        try (AdmissionWebhookServer warmUp = server(options())) {
            honestReview(warmUp, HttpClient.Version.HTTP_1_1, "warm-up-1");
            honestReview(warmUp, HttpClient.Version.HTTP_2, "warm-up-2");
        }
        try (AdmissionWebhookServer server = server(options().withTimeouts(LONG, LONG).withIdleTimeout(LONG))) {
            List<SlowClient> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) slow.add(slowClient(server.port(), i % 5));
                awaitOpenConnections(server, SLOW_CLIENTS);

                List<Duration> latencies = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    latencies.add(honestReview(server, i % 2 == 0 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2, "honest-" + i));
                }
                for (SlowClient c : slow) assertThat(c.attached()).as("%s is still attached", c).isTrue();
                latencies.sort(null);
                System.out.println("honest reviews with " + SLOW_CLIENTS + " slow clients attached: " + latencies);
                assertThat(latencies.get(2)).as("median honest review with %d slow clients attached (all: %s)", SLOW_CLIENTS, latencies)
                        .isLessThan(Duration.ofSeconds(1));
            } finally {
                for (SlowClient c : slow) c.close();
            }
        }
    }

    @Test
    void aTrickledRequestHeadIsCutOffByTheRequestTimeoutLongBeforeTheIdleTimeout() throws Exception {
        try (AdmissionWebhookServer server = server(options().withTimeouts(LONG, Duration.ofSeconds(1)).withIdleTimeout(LONG));
             SSLSocket tls = handshaken(server.port())) {
            OutputStream out = tls.getOutputStream();
            tls.setSoTimeout(100);
            InputStream in = tls.getInputStream();
            byte[] head = ("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean closed = false;
            try {
                for (int i = 0; i < 300 && !closed; i++) { // a byte every ~100 ms: never idle
                    out.write(head[i]);
                    out.flush();
                    closed = readsEndOfStream(in);
                }
            } catch (IOException e) {
                closed = true; // reset while writing
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed while trickling").isTrue();
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aTrickledTlsHandshakeIsCutOffByTheHandshakeTimeout() throws Exception {
        try (AdmissionWebhookServer server = server(options().withTimeouts(Duration.ofSeconds(1), LONG).withIdleTimeout(LONG));
             Socket plain = new Socket("127.0.0.1", server.port())) {
            byte[] hello = clientHello();
            OutputStream out = plain.getOutputStream();
            plain.setSoTimeout(100);
            InputStream in = plain.getInputStream();
            long start = System.nanoTime();
            boolean closed = false;
            try {
                for (int i = 0; i < hello.length - 1 && !closed; i++) { // never the last byte
                    out.write(hello[i]);
                    out.flush();
                    closed = readsEndOfStream(in);
                }
            } catch (IOException e) {
                closed = true;
            }
            assertThat(closed).as("closed while the hello trickled").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndAnAnsweredOneStaysUsableUntilThen() throws Exception {
        try (AdmissionWebhookServer server = server(options().withTimeouts(LONG, LONG).withIdleTimeout(Duration.ofSeconds(1)));
             SSLSocket tls = handshaken(server.port())) {
            OutputStream out = tls.getOutputStream();
            for (int i = 0; i < 2; i++) { // keep-alive: two answers on one connection
                out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readResponseHead(tls.getInputStream());
                assertThat(head).as(head).startsWith("HTTP/1.1 200");
            }
            long start = System.nanoTime();
            tls.setSoTimeout(20_000);
            assertThat(readsEndOfStream(tls.getInputStream())).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void anHttp2StreamWhoseBodyNeverEndsGets408AndTheConnectionServesOthersMeanwhile() throws Exception {
        HTTP2Client h2 = new HTTP2Client();
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(clientTls);
        h2.addBean(ssl);
        h2.start();
        try (AdmissionWebhookServer server = server(options().withTimeouts(LONG, Duration.ofSeconds(1)).withIdleTimeout(LONG))) {
            Session session = h2.connect(ssl, new InetSocketAddress("127.0.0.1", server.port()), new Session.Listener() {})
                    .get(30, TimeUnit.SECONDS);
            Answer stuck = new Answer();
            Stream half = session.newStream(new HeadersFrame(post(server.port(), 1000), null, false), stuck).get(30, TimeUnit.SECONDS);
            half.data(new DataFrame(half.getId(), ByteBuffer.wrap("{\"apiVersion\":".getBytes(StandardCharsets.US_ASCII)), false))
                    .get(30, TimeUnit.SECONDS);

            byte[] body = review("same-connection", WorkloadKind.POD, "default",
                    object(WorkloadKind.POD, podSpec(AdmissionWebhookServerTest.GOOD, null, null))).toString().getBytes(StandardCharsets.UTF_8);
            Answer honest = new Answer();
            Stream whole = session.newStream(new HeadersFrame(post(server.port(), body.length), null, false), honest).get(30, TimeUnit.SECONDS);
            whole.data(new DataFrame(whole.getId(), ByteBuffer.wrap(body), true)).get(30, TimeUnit.SECONDS);
            assertThat(honest.status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(MAPPER.readTree(honest.body.get(30, TimeUnit.SECONDS)).path("response").path("uid").asText()).isEqualTo("same-connection");
            assertThat(stuck.status).as("answered while the other stream waits").isNotDone();

            assertThat(stuck.status.get(30, TimeUnit.SECONDS)).isEqualTo(408);
            assertThat(MAPPER.readTree(stuck.body.get(30, TimeUnit.SECONDS)).path("error").asText()).isEqualTo("request not received within 1 s");
        } finally {
            h2.stop();
        }
    }

    private static MetaData.Request post(int port, long contentLength) {
        HttpFields fields = HttpFields.build().put(HttpHeader.CONTENT_TYPE, "application/json").put(HttpHeader.CONTENT_LENGTH, contentLength);
        return new MetaData.Request("POST", HttpURI.from("https://127.0.0.1:" + port + "/validate"), HttpVersion.HTTP_2, fields);
    }

    /** The answer on one HTTP/2 stream of Jetty's client: its status, then its body, as they come. */
    private static final class Answer implements Stream.Listener {
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final CompletableFuture<String> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public void onHeaders(Stream stream, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Response r) status.complete(r.getStatus());
            if (frame.isEndStream()) body.complete(bytes.toString(StandardCharsets.UTF_8));
            else stream.demand();
        }

        @Override
        public void onDataAvailable(Stream stream) {
            Stream.Data data = stream.readData();
            if (data == null) {
                stream.demand();
                return;
            }
            ByteBuffer b = data.frame().getByteBuffer();
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.writeBytes(chunk);
            boolean end = data.frame().isEndStream();
            data.release();
            if (end) body.complete(bytes.toString(StandardCharsets.UTF_8));
            else stream.demand();
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            body.complete(bytes.toString(StandardCharsets.UTF_8)); // a reset after the answer: the server read no more
            callback.succeeded();
        }
    }

    // --- slow clients ---

    /** A client holding a connection without finishing anything. */
    private interface SlowClient extends AutoCloseable {
        /** Whether its connection is still open (the server has not closed it). */
        boolean attached() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A slow client on a socket: attached while a read finds nothing (rather than the end of the stream). */
    private record SocketClient(String kind, Socket socket) implements SlowClient {
        @Override
        public boolean attached() throws IOException {
            socket.setSoTimeout(50);
            return !readsEndOfStream(socket.getInputStream());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A stream with half its body on an HTTP/2 connection of its own; holds the client (the JDK closes one it collects). */
    private record Http2Client(HttpClient client, CompletableFuture<?> response) implements SlowClient {
        @Override
        public boolean attached() {
            return !response.isDone();
        }

        @Override
        public void close() {
            response.cancel(true);
        }
    }

    /** One slow client of the given kind, connected and stuck. */
    private static SlowClient slowClient(int port, int kind) throws Exception {
        switch (kind) {
            case 0 -> {
                return new SocketClient("TCP without a TLS hello", new Socket("127.0.0.1", port));
            }
            case 1 -> {
                Socket s = new Socket("127.0.0.1", port);
                byte[] hello = clientHello();
                s.getOutputStream().write(hello, 0, hello.length / 2);
                s.getOutputStream().flush();
                return new SocketClient("half a TLS hello", s);
            }
            case 2 -> {
                SSLSocket s = handshaken(port);
                s.getOutputStream().write("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                return new SocketClient("HTTP/1.1, half a request head", s);
            }
            case 3 -> {
                SSLSocket s = handshaken(port);
                s.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"apiVersion\":").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                return new SocketClient("HTTP/1.1, the head and half the body", s);
            }
            default -> {
                HttpClient h2 = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_2).build();
                return new Http2Client(h2, h2.sendAsync(halfBodyRequest(port), HttpResponse.BodyHandlers.ofString()));
            }
        }
    }

    /** A POST over HTTP/2 announcing 1000 bytes and sending 13. */
    private static HttpRequest halfBodyRequest(int port) {
        Flow.Publisher<ByteBuffer> half = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            boolean sent;

            @Override
            public synchronized void request(long n) {
                if (!sent) {
                    sent = true;
                    subscriber.onNext(ByteBuffer.wrap("{\"apiVersion\":".getBytes(StandardCharsets.US_ASCII)));
                }
            }

            @Override
            public void cancel() {}
        });
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/validate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(half, 1000)).build();
    }

    private static SSLSocket handshaken(int port) throws IOException {
        SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return s;
    }

    /** A real TLS ClientHello record, as a client's engine writes it. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = clientTls.createSSLEngine("127.0.0.1", 443);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        assertThat(r.bytesProduced()).isGreaterThan(10);
        byte[] hello = new byte[out.flip().remaining()];
        out.get(hello);
        return hello;
    }

    // --- honest reviews ---

    private static HttpRequest reviewRequest(int port, String uid) {
        String body = review(uid, WorkloadKind.POD, "default", object(WorkloadKind.POD, podSpec(AdmissionWebhookServerTest.GOOD, null, null))).toString();
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/validate")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** One review on a fresh connection (a new client), timed from sending the request to its answer. */
    private static Duration honestReview(AdmissionWebhookServer server, HttpClient.Version version, String uid) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(clientTls).version(version).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = reviewRequest(server.port(), uid);
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.version()).isEqualTo(version);
        JsonNode response = AdmissionWebhookServerTest.response(r);
        assertThat(response.path("uid").asText()).isEqualTo(uid);
        assertThat(response.path("allowed").asBoolean(false)).isTrue();
        return took;
    }

    private static void awaitOpenConnections(AdmissionWebhookServer server, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.openConnections() < n && System.nanoTime() < end) Thread.sleep(20);
        assertThat(server.openConnections()).as("slow clients attached").isGreaterThanOrEqualTo(n);
    }

    // --- reading ---

    /** True when the server closed (end of stream or reset); false when nothing came within the socket's timeout. */
    private static boolean readsEndOfStream(InputStream in) throws IOException {
        try {
            while (true) {
                if (in.read() < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed in the head: " + head);
            head.append((char) c);
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*[Cc]ontent-[Ll]ength: *(\\d+).*", "$1"));
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
