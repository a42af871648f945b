package org.imagetree.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A registry that lies, on 127.0.0.1: it forwards to a real registry (a {@link LocalRegistry}) and, for the
 * {@code GET}s whose path matches a rule, answers otherwise — other bytes under the same headers (a swapped layer or
 * config), a body without end, a body trickled one byte at a time, headers and then nothing, nothing at all. For
 * fault injection only: what a compromised mirror or a hostile registry can send.
 *
 * <pre>try (LyingRegistry liar = LyingRegistry.start(registry.baseUri())) { liar.lie("/blobs/" + digest, new Swap(bytes)); … }</pre>
 */
public final class LyingRegistry implements AutoCloseable {
    /** What to answer instead of the registry's answer. */
    public sealed interface Lie permits Swap, Endless, Trickle, Stall, Silent {}

    /** The registry's status and headers, these bytes as the body. */
    public record Swap(byte[] body) implements Lie {}

    /** 200, then bytes without end (chunked), until the client goes away. */
    public record Endless() implements Lie {}

    /** The registry's answer, its body one byte every {@code perByte}. */
    public record Trickle(Duration perByte) implements Lie {}

    /** The registry's headers, then nothing more until the client goes away or the liar closes. */
    public record Stall() implements Lie {}

    /** No answer at all: not even headers. */
    public record Silent() implements Lie {}

    private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding", "keep-alive", "date");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lying-registry");
        t.setDaemon(true);
        return t;
    });
    private final URI upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Pattern, Lie> lies = new ConcurrentHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    private LyingRegistry(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static LyingRegistry start(URI upstream) {
        try {
            return new LyingRegistry(upstream);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the lying registry", e);
        }
    }

    /** {@code 127.0.0.1:<port>}, the registry part of image references. */
    public String host() { return "127.0.0.1:" + server.getAddress().getPort(); }

    /** From now on, {@code GET}s whose path contains a match of {@code pathRegex} get {@code lie}. */
    public LyingRegistry lie(String pathRegex, Lie lie) {
        lies.put(Pattern.compile(pathRegex), lie);
        return this;
    }

    /** Every request seen, as {@code METHOD path}. */
    public List<String> log() { return List.copyOf(log); }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        log.add(ex.getRequestMethod() + " " + path);
        try (ex) {
            Lie lie = null;
            if (ex.getRequestMethod().equals("GET")) {
                for (Map.Entry<Pattern, Lie> e : lies.entrySet()) if (e.getKey().matcher(path).find()) lie = e.getValue();
            }
            if (lie instanceof Silent) {
                closed.await(10, TimeUnit.MINUTES);
                return;
            }
            if (lie instanceof Endless) {
                ex.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                ex.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[1 << 16];
                java.util.Arrays.fill(chunk, (byte) ' ');
                OutputStream out = ex.getResponseBody();
                while (closed.getCount() > 0) out.write(chunk);
                return;
            }
            HttpResponse<byte[]> r = forward(ex);
            r.headers().map().forEach((k, v) -> {
                if (!HOP.contains(k.toLowerCase(Locale.ROOT))) ex.getResponseHeaders().put(k, v);
            });
            byte[] body = lie instanceof Swap s ? s.body() : r.body();
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(r.statusCode(), head ? -1 : body.length == 0 ? -1 : body.length);
            if (head || body.length == 0) return;
            OutputStream out = ex.getResponseBody();
            if (lie instanceof Trickle t) {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    if (closed.await(t.perByte().toMillis(), TimeUnit.MILLISECONDS)) return;
                }
            } else if (lie instanceof Stall) {
                out.flush();
                closed.await(10, TimeUnit.MINUTES);
            } else {
                out.write(body);
            }
            answered.incrementAndGet();
        } catch (IOException e) {
            // the client went away (what an endless or trickled body is for)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange ex) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().getRawPath()
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())))
                .timeout(Duration.ofSeconds(30))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
        for (String h : List.of("Accept", "Authorization", "Content-Type")) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) b.header(h, v);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
