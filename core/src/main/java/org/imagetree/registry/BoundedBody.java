package org.imagetree.registry;

import org.imagetree.config.ReadLimits;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} that ends with a {@link ReadLimitExceeded} — instead of blocking forever or
 * growing without end — when the server sends more than {@code maxBytes}, or when the whole exchange outlasts its
 * deadline: a body trickled one byte at a time fails at the deadline as surely as one that stalls. Closing the stream
 * early (or failing) cancels the subscription, which drops the connection. One buffer list is requested at a time, so
 * a fast server never fills memory ahead of a slow reader.
 *
 * <p>The JDK's own {@code BodyHandlers.ofInputStream()} has neither bound: its reads block as long as the server keeps
 * the connection open, and {@code HttpRequest.timeout} ends when the headers arrive.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    /** The bounds of one exchange: its bytes, and the deadline of the whole of it. */
    public record Bounds(long maxBytes, String sizeKey, long deadlineNanos, Duration timeout, String timeoutKey) {
        public Bounds {
            Objects.requireNonNull(sizeKey);
            Objects.requireNonNull(timeout);
            Objects.requireNonNull(timeoutKey);
        }

        /** Bounds whose time starts now. */
        public static Bounds startingNow(long maxBytes, String sizeKey, Duration timeout, String timeoutKey) {
            return new Bounds(maxBytes, sizeKey, System.nanoTime() + timeout.toNanos(), timeout, timeoutKey);
        }

        long remainingNanos() { return deadlineNanos - System.nanoTime(); }

        ReadLimitExceeded tooLong(String what) {
            return new ReadLimitExceeded(what + " " + ReadLimits.tookLonger(timeout, timeoutKey), timeoutKey);
        }

        ReadLimitExceeded tooBig(String what) {
            return new ReadLimitExceeded(what + " is " + ReadLimits.exceeded(maxBytes, sizeKey), sizeKey);
        }
    }

    private final Bounds bounds;
    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    private BoundedBody(Bounds bounds) {
        this.bounds = bounds;
    }

    /** A handler whose bounds are made when the answer's headers arrive (for uploads: the time starts then). */
    public static HttpResponse.BodyHandler<InputStream> handler(java.util.function.Supplier<Bounds> bounds) {
        return info -> new BoundedBody(bounds.get());
    }

    /**
     * Sends {@code request} and waits for its headers until the deadline of {@code bounds} (which the body then keeps):
     * the whole exchange ends in time, even when the server never answers.
     *
     * @throws ReadLimitExceeded when the headers do not arrive in time
     */
    public static HttpResponse<InputStream> send(HttpClient client, HttpRequest request, Bounds bounds) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> f = client.sendAsync(request, info -> new BoundedBody(bounds));
        try {
            return f.get(Math.max(1, bounds.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw bounds.tooLong("the request");
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IOException(cause);
        }
    }

    /** An answer whose body was read into memory. */
    public record Bytes(HttpResponse<?> response, byte[] body) implements HttpResponse<byte[]> {
        @Override public int statusCode() { return response.statusCode(); }
        @Override public HttpRequest request() { return response.request(); }
        @Override public Optional<HttpResponse<byte[]>> previousResponse() { return Optional.empty(); }
        @Override public HttpHeaders headers() { return response.headers(); }
        @Override public Optional<SSLSession> sslSession() { return response.sslSession(); }
        @Override public URI uri() { return response.uri(); }
        @Override public HttpClient.Version version() { return response.version(); }
    }

    @Override
    public CompletionStage<InputStream> getBody() { return body; }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        body.complete(new Stream());
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) { items.add(buffers); }

    @Override
    public void onError(Throwable t) { items.add(t); }

    @Override
    public void onComplete() { items.add(END); }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
    }

    /** The reader's side. Not thread-safe (one reader). */
    private final class Stream extends InputStream {
        private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
        private ByteBuffer current = ByteBuffer.allocate(0);
        private long delivered;
        private boolean ended;
        private boolean closed;
        private IOException failure;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (failure != null) throw failure;
            if (closed) throw new IOException("stream closed");
            if (len == 0) return 0;
            while (!current.hasRemaining()) {
                if (ended) return -1;
                if (!next()) return -1;
            }
            if (bounds.remainingNanos() <= 0) throw fail(bounds.tooLong("the answer"));
            int n = Math.min(len, current.remaining());
            if (delivered + n > bounds.maxBytes()) throw fail(bounds.tooBig("the answer"));
            current.get(b, off, n);
            delivered += n;
            return n;
        }

        /** Waits for the next buffer until the deadline; false at the end of the body. */
        private boolean next() throws IOException {
            if (buffers.hasNext()) {
                current = buffers.next();
                return true;
            }
            Object item;
            try {
                long wait = bounds.remainingNanos();
                item = wait <= 0 ? items.poll() : items.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(new InterruptedIOException("interrupted while reading the answer"));
            }
            if (item == null) throw fail(bounds.tooLong("the answer"));
            if (item == END) {
                ended = true;
                return false;
            }
            if (item instanceof Throwable t) {
                ended = true;
                throw fail(t instanceof IOException io ? io : new IOException(t.getMessage(), t));
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) item;
            buffers = list.iterator();
            Flow.Subscription s = subscription;
            if (s != null) s.request(1);
            if (buffers.hasNext()) current = buffers.next();
            return true;
        }

        private IOException fail(IOException e) {
            failure = e;
            cancel();
            return e;
        }

        @Override
        public int available() { return current.remaining(); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (!ended) cancel();
        }
    }
}
