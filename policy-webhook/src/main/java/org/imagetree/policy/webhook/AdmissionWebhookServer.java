package org.imagetree.policy.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.imagetree.policy.RegistryPolicy;
import org.imagetree.policy.admission.AdmissionReviewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validating admission webhook on Jetty 12: {@code POST /validate} takes an AdmissionReview v1 and answers with the
 * {@link AdmissionReviewer}'s decision; {@code GET /healthz} answers {@code ok}. Requests that are not well-formed
 * AdmissionReviews get 400 with {@code {"error": "..."}}, bodies over the size limit 413; every error Jetty itself
 * answers (a malformed request line, a head too large) is JSON too, without a stack trace or a server version.
 *
 * <p>HTTPS only, TLS 1.2 and 1.3 with the certificate and key {@link PemTls} loads (a key that is not the
 * certificate's is refused before the server starts). ALPN offers {@code h2} and {@code http/1.1}: the Kubernetes API
 * server's Go client speaks HTTP/2 when the server offers it, a client without ALPN gets HTTP/1.1.
 *
 * <p>Jetty reads without a thread per connection, so clients that connect and never finish hold no thread. What a
 * connection may hold is bounded ({@link ConnectionGuard}): the TLS handshake must end within
 * {@link Options#handshakeTimeout()}, a request must be received and answered within {@link Options#requestTimeout()}
 * of its first byte (HTTP/1.1) or of its head (HTTP/2), a connection silent for {@link Options#idleTimeout()} is
 * closed, and at most {@link Options#maxConnections()} connections are open at once (more are closed as soon as they
 * are accepted).
 *
 * <p>{@link #close()} stops accepting (the listening socket closes), closes idle connections at once, lets requests in
 * flight finish within {@link Options#shutdownGrace()} (HTTP/2 connections get a GOAWAY), then stops. Request bodies
 * (which may carry secrets in environment variables) are never logged.
 */
public final class AdmissionWebhookServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhookServer.class);
    /** Largest request head (request line and headers); Jetty answers 431 beyond. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    /**
     * @param address          where to listen (a wildcard address: every interface); port 0 picks a free port
     * @param maxConnections   connections open at once; more are closed as soon as they are accepted
     * @param maxRequestBytes  largest accepted body
     * @param handshakeTimeout longest TLS handshake
     * @param requestTimeout   longest time from a request's first byte to its answer
     * @param idleTimeout      longest silence on a connection (between requests, or in the middle of one)
     * @param shutdownGrace    how long {@link #close()} waits for requests in flight
     */
    public record Options(InetSocketAddress address, int maxConnections, int maxRequestBytes, Duration handshakeTimeout,
                          Duration requestTimeout, Duration idleTimeout, Duration shutdownGrace) {
        public Options {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (maxConnections < 1 || maxRequestBytes < 1) throw new IllegalArgumentException("maxConnections and maxRequestBytes must be positive");
            for (Duration d : new Duration[] {handshakeTimeout, requestTimeout, idleTimeout}) {
                if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeouts must be positive");
            }
            if (shutdownGrace.isNegative()) throw new IllegalArgumentException("shutdownGrace must not be negative");
        }

        /**
         * Port 8443 on every interface, 256 connections, 8 MiB bodies, 5 s handshakes, 10 s requests, 30 s of silence,
         * 10 s of grace.
         */
        public static Options defaults() {
            return new Options(new InetSocketAddress(8443), 256, 8 * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofSeconds(30), Duration.ofSeconds(10));
        }

        public Options withAddress(InetSocketAddress newAddress) {
            return new Options(newAddress, maxConnections, maxRequestBytes, handshakeTimeout, requestTimeout, idleTimeout, shutdownGrace);
        }

        public Options withShutdownGrace(Duration grace) {
            return new Options(address, maxConnections, maxRequestBytes, handshakeTimeout, requestTimeout, idleTimeout, grace);
        }

        /** On every interface at this port (0: any free port). */
        public Options withPort(int port) {
            return withAddress(new InetSocketAddress(port));
        }

        public Options withMaxRequestBytes(int bytes) {
            return new Options(address, maxConnections, bytes, handshakeTimeout, requestTimeout, idleTimeout, shutdownGrace);
        }

        public Options withMaxConnections(int connections) {
            return new Options(address, connections, maxRequestBytes, handshakeTimeout, requestTimeout, idleTimeout, shutdownGrace);
        }

        public Options withTimeouts(Duration handshake, Duration request) {
            return new Options(address, maxConnections, maxRequestBytes, handshake, request, idleTimeout, shutdownGrace);
        }

        public Options withIdleTimeout(Duration idle) {
            return new Options(address, maxConnections, maxRequestBytes, handshakeTimeout, requestTimeout, idle, shutdownGrace);
        }
    }

    private final Options options;
    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;

    public AdmissionWebhookServer(SSLContext tls, AdmissionReviewer reviewer, ObjectMapper mapper, Options options) {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(mapper, "mapper");
        this.options = Objects.requireNonNull(options, "options");

        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("admission-webhook");
        threads.setDaemon(true);
        server = new Server(threads);
        server.setStopTimeout(options.shutdownGrace().toMillis());
        server.setStopAtShutdown(false); // the command line stops it from its own shutdown hook
        server.setErrorHandler(new JsonErrorHandler(mapper));

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        // As Jetty would add it: a Host header the certificate does not cover (e.g. curl -k https://localhost) gets
        // 400 "Invalid SNI". The API server's Host is the webhook URL's host, which the certificate must cover anyway.
        http.addCustomizer(new SecureRequestCustomizer());

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR); // h2-acceptable suites first (RFC 9113 section 9.2.2)
        ssl.setUseCipherSuitesOrder(true);

        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
        http2.setStreamIdleTimeout(options.idleTimeout().toMillis());
        // Offers the protocols of the factories after it, by their ALPN ids ("h2", "http/1.1"; HttpConnectionFactory's
        // own name, "HTTP/1.1", is not one: a client offering only http/1.1 would fail the handshake)
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol()); // clients that do not negotiate
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());

        connector = new ServerConnector(server, 1, 1, tlsFactory, alpn, http2, http1);
        InetSocketAddress address = options.address();
        connector.setHost(address.getAddress() == null || address.getAddress().isAnyLocalAddress() ? null : address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        // During shutdown Jetty lowers every connection's idle timeout to this; requests in flight keep the grace period.
        connector.setShutdownIdleTimeout(Math.max(1, Math.min(options.idleTimeout().toMillis(), options.shutdownGrace().toMillis())));
        server.addConnector(connector);

        guard = new ConnectionGuard(options.maxConnections(), options.handshakeTimeout(), options.requestTimeout());
        connector.addBean(guard.connectionLimit());
        tlsFactory.addEventListener(guard.tlsConnections());
        http1.addEventListener(guard.http1Connections());

        server.setHandler(guard.tracking(new GracefulHandler(new AdmissionHandler(reviewer, mapper, options.maxRequestBytes(),
                options.requestTimeout()))));
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
     * @throws IOException when the address cannot be bound (the message is the system's, such as "Address already in use")
     * @throws IllegalStateException when already started or closed
     */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (started || closed) throw new IllegalStateException("already started or closed");
            started = true;
            try {
                guard.start();
                server.start();
            } catch (Exception e) {
                stopQuietly();
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof BindException b) throw new IOException(b.getMessage(), e);
                }
                if (e instanceof IOException io) throw io;
                throw new IllegalStateException("cannot start the admission webhook: " + e.getMessage(), e);
            }
            LOG.info("admission webhook listening on port {}", connector.getLocalPort());
        }
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        synchronized (lifecycle) {
            if (!started || connector.getLocalPort() <= 0) throw new IllegalStateException("not started");
            return connector.getLocalPort();
        }
    }

    /** Connections open now (for tests and diagnostics). */
    int openConnections() {
        return guard.openConnections();
    }

    /**
     * Stops accepting, closes idle connections, waits up to the grace period for requests in flight, then closes the
     * rest and stops. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            if (!started) return;
        }
        guard.beginShutdown();
        stopQuietly();
        LOG.info("admission webhook stopped");
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the admission webhook: {}", e.toString());
        } finally {
            guard.stop();
        }
    }
}
