package org.imagetree.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real registry (or any HTTP server) that injects faults: answer a status
 * (500, 503, 429 with {@code Retry-After}) for the next N requests, close the connection without an answer, or stall.
 * Absolute {@code Location}/{@code Link} URLs of the upstream are rewritten to point at the proxy. An optional
 * {@link #gate(Function)} sees each request before it is forwarded (to put an auth protocol in front).
 *
 * <pre>try (FaultyProxy proxy = FaultyProxy.start(registry.baseUri())) { proxy.failNext(2, 503); … proxy.host() … }</pre>
 */
public final class FaultyProxy implements AutoCloseable {
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

    /** What to do with one request instead of (or besides) forwarding it. */
    public sealed interface Fault permits Status, Close, Stall, CloseAfterForward, TruncateBody, Rewrite {}

    /** Answer this status (with {@code Retry-After} when not null) and a registry-style JSON error. */
    public record Status(int status, String retryAfter) implements Fault {}

    /** Close the connection without answering (the client sees a reset / unexpected EOF). */
    public record Close() implements Fault {}

    /** Wait, then close the connection without answering (the client should time out first). */
    public record Stall(Duration duration) implements Fault {}

    /**
     * Forward the request (the upstream acts on it), then close the client's connection without answering: the client
     * sees a reset although the registry did what it asked (a lost answer).
     */
    public record CloseAfterForward() implements Fault {}

    /**
     * Forward the request with its full {@code Content-Length} but only the first {@code fraction} of its body, then
     * close both connections: the upstream receives part of the bytes (a reset mid-body), the client no answer.
     */
    public record TruncateBody(double fraction) implements Fault {
        public TruncateBody {
            if (fraction < 0 || fraction >= 1) throw new IllegalArgumentException("fraction must be in [0, 1)");
        }
    }

    /** Forward the request, then answer what {@code change} makes of the upstream's answer. */
    public record Rewrite(java.util.function.UnaryOperator<Answer> change) implements Fault {}

    /** A gate's verdict: forward the request, or answer it directly. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        return t;
    });
    private final URI upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private Fault persistent;
    private volatile Function<HttpExchange, Answer> gate = x -> null;
    private final AtomicInteger received = new AtomicInteger();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private final Path certificate;

    private FaultyProxy(URI upstream, Path tlsDir) throws Exception {
        this.upstream = upstream;
        if (tlsDir == null) {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            this.certificate = null;
        } else {
            // A self-signed certificate for 127.0.0.1, made with the JDK's keytool; clients trust certificate().
            TestCertificates.Server tlsServer = TestCertificates.server(tlsDir);
            this.certificate = tlsServer.certificate();
            javax.net.ssl.SSLContext tls = tlsServer.context();
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            this.server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        if (certificate == null) {
            front = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::acceptLoop, "faulty-proxy-front");
            accept.setDaemon(true);
            accept.start();
        } else {
            front = null;
        }
    }

    /**
     * The plain proxy's public socket. Clients that try TLS first on a loopback registry (the Docker Engine, jib) get a
     * {@code 400} at once, as from a real HTTP server, and fall back to plain HTTP; the JDK's HttpServer would wait for
     * a request line that never comes, and they would wait for their TLS handshake to time out. Everything else is
     * spliced to the HttpServer behind it.
     */
    private final java.net.ServerSocket front;

    private void acceptLoop() {
        while (!front.isClosed()) {
            java.net.Socket client;
            try {
                client = front.accept();
            } catch (IOException e) {
                return;
            }
            try {
                executor.execute(() -> splice(client));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeQuietly(client);
                return;
            }
        }
    }

    private void splice(java.net.Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            int first = in.read();
            if (first < 0) return;
            if (first == 0x16) { // a TLS ClientHello
                client.getOutputStream().write("HTTP/1.0 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                return;
            }
            try (java.net.Socket inner = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
                inner.getOutputStream().write(first);
                java.util.concurrent.Future<?> back = executor.submit(() -> pump(inner, client));
                pump(client, inner);
                try {
                    back.get();
                } catch (Exception ignored) {
                    // the other direction ended
                }
            }
        } catch (IOException | RuntimeException e) {
            // a connection went away
        }
    }

    /** Copies {@code from} to {@code to} until the end, then half-closes {@code to} (a dropped answer stays dropped). */
    private static void pump(java.net.Socket from, java.net.Socket to) {
        byte[] buf = new byte[65536];
        try {
            InputStream in = from.getInputStream();
            java.io.OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(java.net.Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    public static FaultyProxy start(URI upstream) {
        try {
            return new FaultyProxy(upstream, null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start proxy", e);
        }
    }

    /**
     * A proxy serving HTTPS (HTTP/1.1) with a self-signed certificate for 127.0.0.1, made in {@code dir}: clients
     * trust {@link #certificate()} (or, like tools that fail over to insecure HTTPS, trust nothing).
     */
    public static FaultyProxy startTls(URI upstream, Path dir) {
        try {
            return new FaultyProxy(upstream, dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a TLS proxy", e);
        }
    }

    /** The PEM certificate of a {@link #startTls} proxy. */
    public Path certificate() {
        if (certificate == null) throw new IllegalStateException("not a TLS proxy");
        return certificate;
    }

    /** {@code 127.0.0.1:<port>}: use as the registry host of image references. */
    public String host() { return "127.0.0.1:" + (front != null ? front.getLocalPort() : server.getAddress().getPort()); }

    public URI baseUri() { return URI.create((certificate == null ? "http://" : "https://") + host()); }

    public synchronized FaultyProxy failNext(int n, int status) { return inject(n, new Status(status, null)); }

    public synchronized FaultyProxy failNext(int n, int status, String retryAfter) { return inject(n, new Status(status, retryAfter)); }

    public synchronized FaultyProxy closeNext(int n) { return inject(n, new Close()); }

    public synchronized FaultyProxy stallNext(int n, Duration d) { return inject(n, new Stall(d)); }

    /** Apply {@code fault} to every request until {@link #clearFaults()}. */
    public synchronized FaultyProxy failAlways(Fault fault) { persistent = fault; return this; }

    public synchronized FaultyProxy clearFaults() {
        faults.clear();
        rules.clear();
        faultedLog.clear();
        persistent = null;
        everies.clear();
        return this;
    }

    /**
     * Apply {@code fault} to every {@code n}-th request from now on (counting every request the proxy receives, whoever
     * sends it: our client, dockerd's pulls and pushes) until {@link #clearFaults()}. Several such rules count side by
     * side (every 7th: 503, every 8th: dropped); a request two of them pick gets the first one's fault.
     */
    public synchronized FaultyProxy failEvery(int n, Fault fault) {
        return failEvery(n, fault, request -> true);
    }

    /** As {@link #failEvery(int, Fault)}, counting only the requests ({@code "METHOD path"}) {@code among} accepts. */
    public synchronized FaultyProxy failEvery(int n, Fault fault, java.util.function.Predicate<String> among) {
        if (n < 2) throw new IllegalArgumentException("n must be at least 2");
        everies.add(new Every(n, fault, among));
        return this;
    }

    private static final class Every {
        final int n;
        final Fault fault;
        final java.util.function.Predicate<String> among;
        int since;

        Every(int n, Fault fault, java.util.function.Predicate<String> among) {
            this.n = n;
            this.fault = fault;
            this.among = among;
        }
    }

    private final List<Every> everies = new ArrayList<>();

    public synchronized FaultyProxy inject(int n, Fault fault) {
        for (int i = 0; i < n; i++) faults.add(fault);
        return this;
    }

    /** Sees each (non-faulted) request first; returning non-null answers it instead of forwarding. */
    public FaultyProxy gate(Function<HttpExchange, Answer> g) { gate = g; return this; }

    /** Requests received (faulted ones included). */
    public int requestCount() { return received.get(); }

    /** Bytes of request bodies received (blob uploads, manifests), faulted requests included. */
    public long bodyBytes() { return bodyBytes.get(); }

    private final java.util.concurrent.atomic.AtomicLong bodyBytes = new java.util.concurrent.atomic.AtomicLong();

    /** {@code METHOD path} of every request received, in order. */
    public List<String> requests() { synchronized (log) { return List.copyOf(log); } }

    /**
     * Apply {@code fault} to the next {@code n} requests whose {@code "METHOD path"} matches (e.g. manifest PUTs
     * only, so the daemon's blob uploads go through); {@code n < 0}: every matching request until {@link #clearFaults()},
     * which also forgets {@link #faulted()}.
     */
    public synchronized FaultyProxy injectWhen(java.util.function.Predicate<String> request, int n, Fault fault) {
        rules.add(new Rule(request, new AtomicInteger(n < 0 ? Integer.MAX_VALUE : n), fault));
        return this;
    }

    /** Requests a fault was applied to, as {@code "METHOD path"}. */
    public List<String> faulted() { synchronized (faultedLog) { return List.copyOf(faultedLog); } }

    private record Rule(java.util.function.Predicate<String> request, AtomicInteger left, Fault fault) {}

    private final List<Rule> rules = new ArrayList<>();
    private final List<String> faultedLog = Collections.synchronizedList(new ArrayList<>());

    private synchronized Fault nextFault(String request) {
        Fault picked = null;
        for (Every e : everies) {
            if (e.among.test(request) && ++e.since % e.n == 0 && picked == null) picked = e.fault;
        }
        if (picked != null) {
            faultedLog.add(request);
            return picked;
        }
        for (Rule r : rules) {
            if (r.request().test(request) && r.left().getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                faultedLog.add(request);
                return r.fault();
            }
        }
        Fault f = faults.poll();
        if (f == null) f = persistent;
        if (f != null) faultedLog.add(request);
        return f;
    }

    private void handle(HttpExchange x) throws IOException {
        received.incrementAndGet();
        String request = x.getRequestMethod() + " " + x.getRequestURI().getRawPath();
        log.add(request);
        try (x) {
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readAllBytes();
            }
            bodyBytes.addAndGet(body.length);
            Fault fault = nextFault(request);
            if (fault instanceof Close) return; // closing without headers drops the connection
            if (fault instanceof Stall s) {
                sleep(s.duration());
                return;
            }
            if (fault instanceof TruncateBody t) {
                forwardPart(x, body, (int) (body.length * t.fraction()));
                return;
            }
            if (fault instanceof CloseAfterForward) {
                forward(x, body, null, false);
                return;
            }
            if (fault instanceof Rewrite rw) {
                forward(x, body, rw.change(), true);
                return;
            }
            if (fault instanceof Status s) {
                if (s.retryAfter() != null) x.getResponseHeaders().set("Retry-After", s.retryAfter());
                respond(x, s.status(), ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected " + s.status() + "\"}]}").getBytes());
                return;
            }
            Answer answer = gate.apply(x);
            if (answer != null) {
                answer.headers().forEach((k, v) -> x.getResponseHeaders().set(k, v));
                respond(x, answer.status(), answer.body());
                return;
            }
            forward(x, body, null, true);
        } catch (IOException | RuntimeException e) {
            // the client went away or upstream failed: the connection closes
        }
    }

    /**
     * Sends the request upstream; answers the client with the upstream's answer ({@code change} applied, when not null)
     * when {@code answer}, else closes the client's connection without a word.
     */
    private void forward(HttpExchange x, byte[] body, java.util.function.UnaryOperator<Answer> change, boolean answer) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(x.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(x.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        x.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> b.header(name, v));
        });
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (!answer) return;
        boolean head = x.getRequestMethod().equals("HEAD");
        String from = upstream.toString().replaceAll("/$", "");
        List<String[]> headers = new ArrayList<>();
        r.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(":status") || lower.equals("transfer-encoding") || lower.equals("connection") || lower.equals("date")) return;
            if (lower.equals("content-length") && !head) return;
            for (String v : values) headers.add(new String[] {name, v.replace(from, baseUri().toString())});
        });
        int status = r.statusCode();
        byte[] responseBody = r.body();
        if (change != null) {
            Map<String, String> single = new java.util.LinkedHashMap<>();
            headers.forEach(h -> single.put(h[0], h[1]));
            Answer changed = change.apply(new Answer(status, single, responseBody));
            status = changed.status();
            responseBody = changed.body();
            headers.clear();
            changed.headers().forEach((k, v) -> headers.add(new String[] {k, v}));
        }
        for (String[] h : headers) x.getResponseHeaders().add(h[0], h[1]);
        if (head || status == 204 || status == 304) {
            x.sendResponseHeaders(status, -1);
        } else {
            respond(x, status, responseBody);
        }
    }

    /**
     * Sends the request line, the headers with the full {@code Content-Length} and the first {@code bytes} of the body
     * upstream on a connection of its own, then closes it: the upstream sees a client that went away mid-body.
     */
    private void forwardPart(HttpExchange x, byte[] body, int bytes) throws IOException {
        int port = upstream.getPort() < 0 ? 80 : upstream.getPort();
        try (java.net.Socket socket = new java.net.Socket(upstream.getHost(), port)) {
            StringBuilder head = new StringBuilder(x.getRequestMethod()).append(' ').append(x.getRequestURI().toString()).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(upstream.getHost()).append(':').append(port).append("\r\n");
            x.getRequestHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
            });
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(body, 0, bytes);
            out.flush();
            sleep(Duration.ofMillis(200)); // let the upstream store what it got before the connection goes
        }
    }

    private static void respond(HttpExchange x, int status, byte[] body) throws IOException {
        if (x.getRequestMethod().equals("HEAD") || body.length == 0) {
            x.sendResponseHeaders(status, -1);
        } else {
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (front != null) {
            try {
                front.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
