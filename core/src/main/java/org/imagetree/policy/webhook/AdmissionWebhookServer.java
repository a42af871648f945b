package org.imagetree.policy.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.imagetree.policy.RegistryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validating admission webhook over HTTPS (HTTP/1.1): {@code POST /validate} takes an AdmissionReview v1 and
 * answers with the {@link AdmissionReviewer}'s decision; {@code GET /healthz} answers {@code ok}. Requests that are
 * not well-formed AdmissionReviews get HTTP 400 with {@code {"error": "..."}}; bodies over the size limit get 413.
 *
 * <p>It cannot be starved by clients that connect and never finish: each connection has its own thread, the TLS
 * handshake must end within {@link Options#handshakeTimeout()} and each request (from the connection being ready,
 * or from the previous answer on a kept-alive connection, to its last body byte) must arrive within
 * {@link Options#readTimeout()}, or the connection is closed; at most {@link Options#maxConnections()} connections
 * are open at once, further ones are closed at once. So slow clients hold a bounded number of connections for a
 * bounded time, and an honest review is answered on its own thread meanwhile. (The JDK's {@code HttpsServer} has
 * neither timeouts nor a per-connection thread for the handshake: 8 idle clients stopped every review.)
 *
 * <p>{@link #close()} stops accepting, closes idle connections and lets requests in flight finish within the
 * shutdown grace period. Request bodies (which may carry secrets in environment variables) are never logged.
 */
public final class AdmissionWebhookServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhookServer.class);
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_REQUESTS_PER_CONNECTION = 1000;

    /**
     * @param address          where to listen; port 0 picks a free port
     * @param maxConnections   connections open at once (each has a thread); more are closed on accept
     * @param maxRequestBytes  largest accepted body
     * @param handshakeTimeout longest TLS handshake
     * @param readTimeout      longest wait for a whole request (headers and body)
     * @param shutdownGrace    how long {@link #close()} waits for requests in flight
     */
    public record Options(InetSocketAddress address, int maxConnections, int maxRequestBytes, Duration handshakeTimeout,
                          Duration readTimeout, Duration shutdownGrace) {
        public Options {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (maxConnections < 1 || maxRequestBytes < 1) throw new IllegalArgumentException("maxConnections and maxRequestBytes must be positive");
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            if (shutdownGrace.isNegative()) throw new IllegalArgumentException("shutdownGrace must not be negative");
        }

        /** Port 8443 on all interfaces, 256 connections, 8 MiB bodies, 5 s handshakes, 10 s requests, 10 s grace. */
        public static Options defaults() {
            return new Options(new InetSocketAddress(8443), 256, 8 * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofSeconds(10));
        }

        public Options withAddress(InetSocketAddress newAddress) {
            return new Options(newAddress, maxConnections, maxRequestBytes, handshakeTimeout, readTimeout, shutdownGrace);
        }

        public Options withShutdownGrace(Duration grace) {
            return new Options(address, maxConnections, maxRequestBytes, handshakeTimeout, readTimeout, grace);
        }

        /** On all interfaces at this port (0: any free port). */
        public Options withPort(int port) {
            return withAddress(new InetSocketAddress(port));
        }

        public Options withMaxRequestBytes(int bytes) {
            return new Options(address, maxConnections, bytes, handshakeTimeout, readTimeout, shutdownGrace);
        }

        public Options withMaxConnections(int connections) {
            return new Options(address, connections, maxRequestBytes, handshakeTimeout, readTimeout, shutdownGrace);
        }

        public Options withTimeouts(Duration handshake, Duration read) {
            return new Options(address, maxConnections, maxRequestBytes, handshake, read, shutdownGrace);
        }
    }

    private final SSLContext tls;
    private final AdmissionReviewer reviewer;
    private final Options options;
    private final ObjectMapper mapper;
    private final Object lifecycle = new Object();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore slots;
    private ServerSocket listener;
    private ExecutorService workers;
    private ScheduledExecutorService deadlines;
    private Thread acceptor;
    private volatile boolean closed;

    public AdmissionWebhookServer(SSLContext tls, AdmissionReviewer reviewer, ObjectMapper mapper, Options options) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.options = Objects.requireNonNull(options, "options");
        this.slots = new Semaphore(options.maxConnections());
    }

    /**
     * A server for the policy with TLS from PEM files (what {@code imagetree policy webhook} needs); not started.
     *
     * @throws IOException when the files cannot be read
     * @throws IllegalArgumentException when they hold no usable certificate or key, or the key is not the certificate's
     */
    public static AdmissionWebhookServer create(Path certificateChain, Path privateKey, RegistryPolicy policy,
                                                Set<String> exemptNamespaces, Options options) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        return new AdmissionWebhookServer(PemTls.serverContext(certificateChain, privateKey),
                new AdmissionReviewer(policy, exemptNamespaces, mapper), mapper, options);
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalStateException when already started or closed
     */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (listener != null || closed) throw new IllegalStateException("already started or closed");
            SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            try {
                s.setReuseAddress(true);
                s.bind(options.address(), 128);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            SSLParameters p = tls.getDefaultSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            p.setNeedClientAuth(false);
            s.setSSLParameters(p);
            listener = s;
            workers = Executors.newCachedThreadPool(threadFactory("admission-webhook-"));
            deadlines = Executors.newSingleThreadScheduledExecutor(threadFactory("admission-webhook-deadlines-"));
            acceptor = threadFactory("admission-webhook-accept-").newThread(this::acceptLoop);
            acceptor.start();
            LOG.info("admission webhook listening on {}", s.getLocalSocketAddress());
        }
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        synchronized (lifecycle) {
            if (listener == null) throw new IllegalStateException("not started");
            return listener.getLocalPort();
        }
    }

    /**
     * Stops accepting (closes the listening socket) and idle connections, waits up to the grace period for requests
     * in flight, then closes the remaining connections and stops the threads. Idempotent.
     */
    @Override
    public void close() {
        ServerSocket s;
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            s = listener;
        }
        if (s == null) return;
        closeQuietly(s);
        connections.forEach(Connection::closeIfIdle);
        long end = System.nanoTime() + options.shutdownGrace().toNanos();
        synchronized (connections) {
            while (!connections.isEmpty() && System.nanoTime() < end) {
                try {
                    connections.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        connections.forEach(c -> closeQuietly(c.socket));
        workers.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("admission webhook stopped");
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) LOG.warn("accept failed: {}", e.toString());
                continue;
            }
            if (!slots.tryAcquire()) {
                LOG.warn("{} connections open, closing a new one from {}", options.maxConnections(), socket.getRemoteSocketAddress());
                closeQuietly(socket);
                continue;
            }
            Connection c = new Connection((SSLSocket) socket);
            connections.add(c);
            try {
                workers.execute(c);
            } catch (RuntimeException e) { // shutting down
                c.finished();
            }
        }
    }

    /** One client connection, on its own thread. */
    private final class Connection implements Runnable {
        final SSLSocket socket;
        private boolean busy;
        private boolean gone;

        Connection(SSLSocket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                ScheduledFuture<?> handshake = deadline(options.handshakeTimeout());
                try {
                    socket.startHandshake();
                } finally {
                    handshake.cancel(false);
                }
                BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                for (int served = 0; served < MAX_REQUESTS_PER_CONNECTION && !closed; served++) {
                    ScheduledFuture<?> request = deadline(options.readTimeout());
                    boolean keepAlive;
                    try {
                        in.mark(1);
                        if (in.read() < 0 || !becomeBusy()) return;
                        in.reset();
                        keepAlive = serve(in, out, request);
                    } finally {
                        request.cancel(false);
                    }
                    if (!keepAlive || !becomeIdle()) return;
                }
            } catch (IOException e) {
                LOG.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
            } catch (RuntimeException e) {
                LOG.warn("connection from {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
            } finally {
                finished();
            }
        }

        private ScheduledFuture<?> deadline(Duration timeout) {
            return deadlines.schedule(() -> closeQuietly(socket), timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized boolean becomeBusy() {
            if (gone || closed) return false;
            busy = true;
            return true;
        }

        synchronized boolean becomeIdle() {
            busy = false;
            return !gone && !closed;
        }

        synchronized void closeIfIdle() {
            if (busy) return;
            gone = true;
            closeQuietly(socket);
        }

        void finished() {
            closeQuietly(socket);
            if (connections.remove(this)) slots.release();
            synchronized (connections) {
                connections.notifyAll();
            }
        }
    }

    /** Reads one request and answers it; true when the connection may serve another. */
    private boolean serve(BufferedInputStream in, OutputStream out, ScheduledFuture<?> deadline) throws IOException {
        Request r = Request.read(in);
        if (r == null) return false;
        if (r.error() != null) {
            respond(out, 400, error(r.error()), "application/json", false, false);
            return false;
        }
        boolean keepAlive = r.keepAlive() && !closed;
        boolean head = r.method().equals("HEAD");
        if (r.path().equals("/validate") && r.method().equals("POST") && r.expectContinue()) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = r.body(in, options.maxRequestBytes());
        if (body == null) {
            // drained (up to a bound) first, so that the client reads the answer instead of a connection reset
            r.drain(in, 16L * options.maxRequestBytes());
            respond(out, 413, error("request body larger than " + options.maxRequestBytes() + " bytes"), "application/json", false, false);
            return false;
        }
        deadline.cancel(false); // the request is in: answering it is ours to finish
        switch (r.path()) {
            case "/validate" -> {
                if (!r.method().equals("POST")) {
                    respond(out, 405, error("use POST"), "application/json", keepAlive, head, "Allow", "POST");
                } else {
                    int status = 200;
                    byte[] answer;
                    try {
                        answer = validate(body);
                    } catch (HttpError e) {
                        status = e.status;
                        answer = error(e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.warn("admission request failed: {}", e.toString());
                        status = 500;
                        answer = error("internal error");
                    }
                    respond(out, status, answer, "application/json", keepAlive, false);
                }
            }
            case "/healthz" -> {
                if (!r.method().equals("GET") && !head) {
                    respond(out, 405, error("use GET"), "application/json", keepAlive, false, "Allow", "GET, HEAD");
                } else {
                    respond(out, 200, "ok".getBytes(StandardCharsets.US_ASCII), "text/plain; charset=utf-8", keepAlive, head);
                }
            }
            default -> respond(out, 404, error("not found"), "application/json", keepAlive, head);
        }
        return keepAlive;
    }

    /** The decision on a review body, or an {@link HttpError} for a body that is not a well-formed AdmissionReview. */
    private byte[] validate(byte[] body) {
        JsonNode review;
        try {
            review = mapper.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "malformed JSON: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
        }
        AdmissionReviewer.Decision decision;
        try {
            decision = reviewer.review(review);
        } catch (BadAdmissionRequest e) {
            throw new HttpError(400, e.getMessage());
        }
        LOG.debug("admission {} allowed={}", decision.uid(), decision.allowed());
        try {
            return mapper.writeValueAsBytes(reviewer.response(decision));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(OutputStream out, int code, byte[] body, String contentType, boolean keepAlive, boolean head,
                                String... headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(reason(code)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) h.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        if (!head) out.write(body);
        out.flush();
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            default -> "Internal Server Error";
        };
    }

    private byte[] error(String message) {
        try {
            return mapper.writeValueAsBytes(mapper.createObjectNode().put("error", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request that gets an error status instead of a review. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** An HTTP/1.1 request head; its body is read on demand. */
    private record Request(String method, String path, Map<String, String> headers, boolean keepAlive, String error) {
        static Request bad(String error) {
            return new Request("", "", Map.of(), false, error);
        }

        /** The next request head, or null at the end of the stream. */
        static Request read(InputStream in) throws IOException {
            String line = line(in, new int[] {MAX_HEADER_BYTES});
            if (line == null) return null;
            int[] budget = {MAX_HEADER_BYTES - line.length()};
            String[] parts = line.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) return bad("malformed request line");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h; (h = line(in, budget)) != null && !h.isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon <= 0) return bad("malformed header");
                headers.merge(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip(), (a, b) -> a + "," + b);
                if (headers.size() > 100) return bad("too many headers");
            }
            if (budget[0] < 0) return bad("request head larger than " + MAX_HEADER_BYTES + " bytes");
            String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
            boolean keepAlive = parts[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
            String path = parts[1];
            int query = path.indexOf('?');
            if (query >= 0) path = path.substring(0, query);
            String te = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
            if (!te.isEmpty() && !te.equals("chunked")) return bad("unsupported transfer encoding");
            String length = headers.get("content-length");
            if (length != null && (!length.matches("\\d{1,18}") || !te.isEmpty())) return bad("invalid Content-Length");
            return new Request(parts[0], path, headers, keepAlive, null);
        }

        boolean expectContinue() {
            return "100-continue".equalsIgnoreCase(headers.get("expect"));
        }

        /** The body, or null when it is over {@code limit} bytes (what was read of it is then lost). */
        byte[] body(InputStream in, int limit) throws IOException {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                while (true) {
                    String size = line(in, new int[] {1024});
                    if (size == null) throw new IOException("truncated chunked body");
                    int semicolon = size.indexOf(';');
                    long n;
                    try {
                        n = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).strip(), 16);
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed chunk size");
                    }
                    if (n == 0) {
                        while (true) {
                            String trailer = line(in, new int[] {MAX_HEADER_BYTES});
                            if (trailer == null || trailer.isEmpty()) break;
                        }
                        return out.toByteArray();
                    }
                    if (out.size() + n > limit) return null;
                    byte[] chunk = in.readNBytes((int) n);
                    if (chunk.length < n) throw new IOException("truncated chunked body");
                    out.writeBytes(chunk);
                    line(in, new int[] {2});
                }
            }
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            if (length > limit) return null;
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) throw new IOException("truncated body");
            return body;
        }

        /** Reads and drops the rest of a body, up to {@code max} bytes, so that the client reads the answer. */
        void drain(InputStream in, long max) throws IOException {
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            in.skipNBytes(Math.min(Math.max(0, length), max));
        }

        /** A CRLF- or LF-terminated line in ISO-8859-1, or null at the end of the stream; counts against {@code budget}. */
        private static String line(InputStream in, int[] budget) throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int end = s.length();
                    if (end > 0 && s.charAt(end - 1) == '\r') s.setLength(end - 1);
                    return s.toString();
                }
                if (--budget[0] < 0) throw new IOException("request head too large");
                s.append((char) c);
            }
            return s.length() == 0 ? null : s.toString();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory threadFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
