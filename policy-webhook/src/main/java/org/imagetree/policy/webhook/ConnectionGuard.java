package org.imagetree.policy.webhook;

import java.time.Duration;
import java.nio.channels.SelectableChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one client may hold of the webhook, beyond Jetty's idle timeout:
 * <ul>
 *   <li>a connection limit: past it a new connection is closed as soon as it is accepted, so its client learns at
 *       once instead of waiting in the accept queue behind connections that may never finish;</li>
 *   <li>a TLS handshake deadline: a client that connects and never finishes the handshake (or trickles it byte by
 *       byte, which the idle timeout alone would allow) is closed;</li>
 *   <li>an HTTP/1.1 request deadline: from the first byte of a request to its answer. Jetty parses the head before a
 *       handler sees the request, so the head's time is measured on the connection (bytes received since the last
 *       answer); {@link AdmissionHandler} holds HTTP/2 streams, which Jetty multiplexes, to the same deadline from
 *       their head.</li>
 * </ul>
 * On shutdown it closes HTTP/1.1 connections with nothing in flight, and connections still in their handshake, at
 * once, and answers the requests in flight with {@code Connection: close}.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxConnections;
    private final long handshakeNanos;
    private final long requestNanos;
    private final Set<SelectableChannel> open = ConcurrentHashMap.newKeySet();
    private final Map<Connection, ScheduledFuture<?>> handshakes = new ConcurrentHashMap<>();
    private final Map<Connection, Http1> http1 = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private volatile boolean closing;

    ConnectionGuard(int maxConnections, Duration handshakeTimeout, Duration requestTimeout) {
        this.maxConnections = maxConnections;
        this.handshakeNanos = handshakeTimeout.toNanos();
        this.requestNanos = requestTimeout.toNanos();
    }

    synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "admission-webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(20, Math.min(250, TimeUnit.NANOSECONDS.toMillis(requestNanos) / 10));
        timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (timer != null) timer.shutdownNow();
    }

    int openConnections() {
        return open.size();
    }

    boolean isClosing() {
        return closing;
    }

    /**
     * For the connector: counts connections from their accept to their close, and closes a new one at once when
     * {@code maxConnections} are open. The acceptor calls {@code onAccepting} in accept order, before Jetty hands the
     * connection to a selector, so the connection refused is the newest one.
     */
    SelectorManager.AcceptListener connectionLimit() {
        return new SelectorManager.AcceptListener() {
            @Override
            public void onAccepting(SelectableChannel channel) {
                synchronized (open) {
                    if (open.size() < maxConnections && !closing) {
                        open.add(channel);
                        return;
                    }
                }
                if (!closing) LOG.warn("{} connections open, closing a new one", maxConnections);
                IO.close(channel); // Jetty then fails the accept (onAcceptFailed)
            }

            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                open.remove(channel);
            }

            @Override
            public void onClosed(SelectableChannel channel) {
                open.remove(channel);
            }
        };
    }

    /** For the TLS connection factory: every accepted connection gets a handshake deadline. */
    Connection.Listener tlsConnections() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (!(connection instanceof SslConnection tls)) return;
                EndPoint endPoint = connection.getEndPoint();
                ScheduledFuture<?> deadline = schedule(() -> {
                    if (handshakes.remove(connection) != null) {
                        LOG.debug("TLS handshake from {} not finished in time, closing", endPoint.getRemoteSocketAddress());
                        endPoint.close();
                    }
                }, handshakeNanos);
                if (deadline != null) handshakes.put(connection, deadline);
                tls.addHandshakeListener(new SslHandshakeListener() {
                    @Override
                    public void handshakeSucceeded(Event event) {
                        ScheduledFuture<?> d = handshakes.remove(connection);
                        if (d != null) d.cancel(false);
                    }
                });
            }

            @Override
            public void onClosed(Connection connection) {
                ScheduledFuture<?> d = handshakes.remove(connection);
                if (d != null) d.cancel(false);
            }
        };
    }

    /** For the HTTP/1.1 connection factory: connections whose requests the sweeper times. */
    Connection.Listener http1Connections() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                http1.put(connection, new Http1(connection));
            }

            @Override
            public void onClosed(Connection connection) {
                http1.remove(connection);
            }
        };
    }

    /** Wraps the handlers: marks HTTP/1.1 requests in flight, and asks to close the connection when shutting down. */
    Handler tracking(Handler next) {
        return new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Http1 h = http1.get(request.getConnectionMetaData().getConnection());
                if (h == null) return super.handle(request, response, callback);
                h.begin(request.getBeginNanoTime());
                if (closing) response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()); // HTTP/2: GOAWAY, Jetty's
                // ends before Jetty completes the exchange: it may parse the connection's next request at once after
                Callback done = Callback.from(h::end, callback);
                try {
                    boolean handled = super.handle(request, response, done);
                    if (!handled) h.end();
                    return handled;
                } catch (Throwable t) {
                    h.end();
                    throw t;
                }
            }
        };
    }

    /** Closes connections that hold nothing in flight; later answers close theirs. */
    void beginShutdown() {
        closing = true;
        for (Connection c : handshakes.keySet()) c.getEndPoint().close();
        for (Http1 h : http1.values()) h.closeIfIdle();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Http1 h : http1.values()) h.check(now);
    }

    private ScheduledFuture<?> schedule(Runnable task, long nanos) {
        try {
            return timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // stopping
        }
    }

    /** Request timing of one HTTP/1.1 connection (one request at a time: Jetty parses the next after the answer). */
    private final class Http1 {
        private final Connection connection;
        private long answeredBytes;
        private long since; // nanoTime of the first byte of the request in progress, or 0 when idle
        private boolean inFlight;

        Http1(Connection connection) {
            this.connection = connection;
        }

        synchronized void begin(long beginNanos) {
            inFlight = true;
            if (since == 0) since = beginNanos == 0 ? System.nanoTime() : beginNanos;
        }

        synchronized void end() {
            inFlight = false;
            since = 0;
            answeredBytes = connection.getBytesIn();
        }

        void check(long now) {
            boolean expired;
            synchronized (this) {
                if (since == 0 && !inFlight && connection.getBytesIn() > answeredBytes) since = now;
                expired = since != 0 && now - since > requestNanos;
            }
            if (expired) {
                LOG.debug("request from {} not received and answered in time, closing", connection.getEndPoint().getRemoteSocketAddress());
                connection.getEndPoint().close();
            }
        }

        void closeIfIdle() {
            synchronized (this) {
                if (inFlight || since != 0 || connection.getBytesIn() > answeredBytes) return;
            }
            connection.getEndPoint().close();
        }
    }
}
