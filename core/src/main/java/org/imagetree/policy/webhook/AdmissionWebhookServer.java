package org.imagetree.policy.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.imagetree.policy.RegistryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validating admission webhook over HTTPS: {@code POST /validate} takes an AdmissionReview v1 and answers with
 * the {@link AdmissionReviewer}'s decision; {@code GET /healthz} answers {@code ok}. Requests that are not
 * well-formed AdmissionReviews get HTTP 400 with {@code {"error": "..."}}; bodies over the size limit get 413.
 * Requests run on a bounded pool; when its queue is full the accepting thread runs the request itself, which
 * slows accepting instead of dropping connections.
 *
 * <p>{@link #close()} stops accepting and lets requests in flight finish within the shutdown grace period.
 * Request bodies (which may carry secrets in environment variables) are never logged.
 */
public final class AdmissionWebhookServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhookServer.class);

    /**
     * @param address         where to listen; port 0 picks a free port
     * @param threads         request threads
     * @param queueCapacity   requests waiting for a thread
     * @param maxRequestBytes largest accepted body
     * @param shutdownGrace   how long {@link #close()} waits for requests in flight
     */
    public record Options(InetSocketAddress address, int threads, int queueCapacity, int maxRequestBytes, Duration shutdownGrace) {
        public Options {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (threads < 1 || queueCapacity < 1 || maxRequestBytes < 1) throw new IllegalArgumentException("threads, queueCapacity and maxRequestBytes must be positive");
            if (shutdownGrace.isNegative()) throw new IllegalArgumentException("shutdownGrace must not be negative");
        }

        /** Port 8443 on all interfaces, 8 threads, queue 256, 8 MiB bodies, 10 s grace. */
        public static Options defaults() {
            return new Options(new InetSocketAddress(8443), 8, 256, 8 * 1024 * 1024, Duration.ofSeconds(10));
        }

        public Options withAddress(InetSocketAddress newAddress) {
            return new Options(newAddress, threads, queueCapacity, maxRequestBytes, shutdownGrace);
        }

        public Options withShutdownGrace(Duration grace) {
            return new Options(address, threads, queueCapacity, maxRequestBytes, grace);
        }

        /** On all interfaces at this port (0: any free port). */
        public Options withPort(int port) {
            return withAddress(new InetSocketAddress(port));
        }

        public Options withMaxRequestBytes(int bytes) {
            return new Options(address, threads, queueCapacity, bytes, shutdownGrace);
        }
    }

    private final SSLContext tls;
    private final AdmissionReviewer reviewer;
    private final Options options;
    private final ObjectMapper mapper;
    private final Object lifecycle = new Object();
    /** Exchanges handed to the pool and not finished (queued, in TLS handshake, or in a handler). */
    private final AtomicInteger pending = new AtomicInteger();
    private HttpsServer server;
    private ThreadPoolExecutor executor;
    private boolean closed;

    public AdmissionWebhookServer(SSLContext tls, AdmissionReviewer reviewer, ObjectMapper mapper, Options options) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * A server for the policy with TLS from PEM files (what {@code imagetree policy webhook} needs); not started.
     *
     * @throws IOException when the files cannot be read
     * @throws IllegalArgumentException when they hold no usable certificate or key
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
            if (server != null || closed) throw new IllegalStateException("already started or closed");
            HttpsServer s = HttpsServer.create(options.address(), 128);
            s.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = tls.getDefaultSSLParameters();
                    p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    p.setNeedClientAuth(false);
                    params.setSSLParameters(p);
                }
            });
            s.createContext("/validate", this::validate);
            s.createContext("/healthz", this::health);
            s.createContext("/", ex -> respond(ex, 404, error("not found")));
            ThreadPoolExecutor pool = new ThreadPoolExecutor(options.threads(), options.threads(), 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(options.queueCapacity()), threadFactory(), new ThreadPoolExecutor.CallerRunsPolicy());
            s.setExecutor(task -> {
                pending.incrementAndGet();
                try {
                    pool.execute(() -> {
                        try {
                            task.run();
                        } finally {
                            pending.decrementAndGet();
                        }
                    });
                } catch (RuntimeException e) {
                    pending.decrementAndGet();
                    throw e;
                }
            });
            s.start();
            server = s;
            executor = pool;
            LOG.info("admission webhook listening on {}", s.getAddress());
        }
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        synchronized (lifecycle) {
            if (server == null) throw new IllegalStateException("not started");
            return server.getAddress().getPort();
        }
    }

    /**
     * Stops accepting (closes the listening socket), waits up to the grace period (rounded up to whole seconds) for
     * requests in flight, then closes the remaining connections and stops the threads. Idempotent.
     */
    @Override
    public void close() {
        HttpsServer s;
        ThreadPoolExecutor pool;
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            s = server;
            pool = executor;
        }
        if (s == null) return;
        // JDK 17's stop(delay) returns early only when an exchange finishes after it was called; when idle it
        // sleeps the whole delay (JDK-8304065, fixed in 21). So wait only when something is in flight.
        long graceSeconds = (options.shutdownGrace().toMillis() + 999) / 1000;
        s.stop(pending.get() == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, graceSeconds));
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Math.max(1, options.shutdownGrace().toMillis()), TimeUnit.MILLISECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("admission webhook stopped");
    }

    private void health(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                respond(ex, 405, error("use GET"));
                return;
            }
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : body.length);
            if (!ex.getRequestMethod().equals("HEAD")) ex.getResponseBody().write(body);
        }
    }

    private void validate(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                respond(ex, 405, error("use POST"));
                return;
            }
            byte[] body = readLimited(ex);
            if (body == null) {
                respond(ex, 413, error("request body larger than " + options.maxRequestBytes() + " bytes"));
                return;
            }
            JsonNode review;
            try {
                review = mapper.readTree(body);
            } catch (JacksonException e) {
                respond(ex, 400, error("malformed JSON: " + e.getOriginalMessage()));
                return;
            }
            AdmissionReviewer.Decision decision;
            try {
                decision = reviewer.review(review);
            } catch (BadAdmissionRequest e) {
                respond(ex, 400, error(e.getMessage()));
                return;
            }
            LOG.debug("admission {} allowed={}", decision.uid(), decision.allowed());
            respond(ex, 200, mapper.writeValueAsBytes(reviewer.response(decision)));
        } catch (RuntimeException e) {
            LOG.warn("admission request failed: {}", e.toString());
            respond(ex, 500, error("internal error"));
        }
    }

    /**
     * The body, or null when it exceeds the limit. An oversized body is drained (up to a bound) before the 413 goes
     * out, so the client reads the answer instead of a connection reset.
     */
    private byte[] readLimited(HttpExchange ex) throws IOException {
        long drainLimit = 16L * options.maxRequestBytes();
        try (InputStream in = ex.getRequestBody()) {
            byte[] data = in.readNBytes(options.maxRequestBytes() + 1);
            if (data.length <= options.maxRequestBytes()) return data;
            byte[] sink = new byte[8192];
            long drained = data.length;
            int n;
            while (drained < drainLimit && (n = in.read(sink)) > 0) drained += n;
            return null;
        }
    }

    private byte[] error(String message) {
        try {
            return mapper.writeValueAsBytes(mapper.createObjectNode().put("error", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange ex, int code, byte[] json) {
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(code, json.length);
            ex.getResponseBody().write(json);
        } catch (IOException e) {
            LOG.debug("could not send response {}: {}", code, e.toString());
        } finally {
            ex.close();
        }
    }

    private static ThreadFactory threadFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "admission-webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
