package org.imagetree.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * {@code HEAD} of many manifests of one registry in one pass: a few HTTP/1.1 connections, each carrying a window of
 * pipelined requests (RFC 9112 §9.3: a server answers pipelined requests in order). A no-op build asks the registry
 * about every image and its {@code latest}; one request after another per connection, each waiting for its answer,
 * or 125 streams of the JDK client over HTTP/2, cost several times the CPU of writing the requests in batches and
 * reading the answers as they come (bench/RESULTS.md, issue 17).
 *
 * <p>The probe answers only what it can answer for certain: 200 with a {@code Docker-Content-Digest} (the manifest
 * exists, with that digest) and 404 (it does not). Everything else — any other status (401, 429, 5xx, redirects), a
 * malformed answer, a connection that closes or stalls — ends that connection and leaves that request and every
 * later one on it unanswered, and the caller asks those through {@link RegistryClient#headManifest} with its authentication,
 * retries and error reports. It sends no credentials: the caller uses it only when the client would not send any
 * with its own first request either. Requests never carry a body, and paths are checked to hold only the characters
 * of repository names, tags and digests, so nothing a tree names can split a request.
 */
final class ManifestProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestProbe.class);
    /** Requests written ahead of their answers on one connection: small enough that neither side's buffers fill up. */
    static final int WINDOW = 32;
    /** At most this many connections; a 2-core registry is saturated by two or three. */
    static final int MAX_CONNECTIONS = 3;
    /** References per connection before another is opened. */
    static final int PER_CONNECTION = 48;
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final Pattern SAFE_PATH = Pattern.compile("/v2/[a-z0-9._/-]+/manifests/[A-Za-z0-9._:+=-]+");
    /**
     * The key exchange groups a TLS connection of the probe offers first: x25519, then x448, both of one kind, so that
     * the client hello carries one key share. With the JDK's default list the client also computes a share on P-256
     * (it sends the first group of two kinds), which a server that prefers x25519 (Go's, OpenSSL's) never uses, and the
     * first P-256 key of a JVM builds that curve's precomputed tables: ~50 ms of a cold command's CPU before its first
     * check (bench/RESULTS.md, issue 24). A server that supports neither group refuses the handshake; the probe then
     * connects with the JDK's defaults, and keeps them for that registry. Java 20 and later only
     * ({@code SSLParameters.setNamedGroups}); on older Java, and when {@code jdk.tls.namedGroups} is set
     * ({@link #groupsChosenByUser}), the probe offers the JVM's groups.
     */
    static final List<String> ONE_SHARE_GROUPS = List.of("x25519", "x448");
    private static final MethodHandle SET_NAMED_GROUPS = setNamedGroups();

    private final String host;
    private final int port;
    /** The {@code Host} header: {@code host[:port]} as the URI names it. */
    private final String authority;
    /** TLS for {@code https}, null for plain HTTP. */
    private final SSLContext tls;
    private final String accept;
    private final String userAgent;
    private final Duration connectTimeout;
    /** How long one answer may take before the rest of its connection is left to the caller. */
    private final Duration stallTimeout;
    /** Set once the registry refused {@link #ONE_SHARE_GROUPS}: its connections offer the JDK's default groups. */
    private final AtomicBoolean defaultGroups = new AtomicBoolean();

    ManifestProbe(String host, int port, String authority, SSLContext tls, String accept, String userAgent,
                  Duration connectTimeout, Duration stallTimeout) {
        this.host = host;
        this.port = port;
        this.authority = authority;
        this.tls = tls;
        this.accept = accept;
        this.userAgent = userAgent;
        this.connectTimeout = connectTimeout;
        this.stallTimeout = stallTimeout;
    }

    /** What the registry said about one manifest, or null in {@link #head}'s answers when it was not answered. */
    record Answer(int status, ManifestDescriptor descriptor) {
        Optional<ManifestDescriptor> manifest() { return Optional.ofNullable(descriptor); }
    }

    /** Whether {@code path} may be probed (a manifest path of plain repository and reference characters). */
    static boolean probeable(String path) {
        return path.length() <= 2048 && SAFE_PATH.matcher(path).matches();
    }

    /**
     * Sends {@code HEAD} for every path (each {@link #probeable}) and returns the answers in the same order; an
     * element is null when it was not answered for certain. {@code sent} is told of every request written.
     */
    List<Answer> head(List<String> paths, Runnable sent) throws InterruptedException {
        for (String p : paths) if (!probeable(p)) throw new IllegalArgumentException("not a manifest path: " + p);
        AtomicReferenceArray<Answer> answers = new AtomicReferenceArray<>(paths.size());
        AtomicInteger next = new AtomicInteger();
        int connections = Math.max(1, Math.min(MAX_CONNECTIONS, (paths.size() + PER_CONNECTION - 1) / PER_CONNECTION));
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> connection(paths, next, answers, sent), "imagetree-probe-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        List<Answer> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) out.add(answers.get(i));
        return out;
    }

    /**
     * Opens one connection, asks {@code HEAD /v2/} and closes it: the TLS context is made and, over TLS, the session
     * the server gives (TLS 1.3 sends its ticket with the first answer) lets {@link #head}'s connections resume it
     * instead of verifying the certificate chain again. Failures are only logged: {@link #head} meets them again.
     */
    void warmUp(Runnable sent) {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(request("/v2/", false));
            out.flush();
            sent.run();
            read(new BufferedInputStream(socket.getInputStream(), 4096));
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: warming up the manifest checks failed: {}", authority, e.toString());
        }
    }

    /** One connection: takes paths from {@code next} while it keeps up, until all are asked or it fails. */
    private void connection(List<String> paths, AtomicInteger next, AtomicReferenceArray<Answer> answers, Runnable sent) {
        Deque<Integer> inFlight = new ArrayDeque<>();
        try (Socket socket = open()) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            boolean open = true;
            while (true) {
                boolean wrote = false;
                while (open && inFlight.size() < WINDOW) {
                    int i = next.getAndIncrement();
                    if (i >= paths.size()) break;
                    out.write(request(paths.get(i), true));
                    inFlight.add(i);
                    sent.run();
                    wrote = true;
                }
                if (wrote) out.flush();
                if (inFlight.isEmpty()) return;
                Response r = read(in);
                int i = inFlight.poll();
                Answer a = r.answer();
                // Any other answer (401, 429, 5xx, ...) is for the caller's client to handle, and this connection
                // stops: the requests in flight on it go unanswered, the others take what is left.
                if (a == null) return;
                answers.set(i, a);
                if (r.closes()) {
                    // The server ends the connection after this answer: what is in flight goes unanswered; this
                    // connection takes no more (the others, or the caller, ask the rest).
                    open = false;
                    if (!inFlight.isEmpty()) return;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: pipelined manifest checks stopped, {} left to ask one by one: {}", authority, inFlight.size(), e.toString());
        }
    }

    private Socket open() throws IOException {
        boolean oneShare = tls != null && SET_NAMED_GROUPS != null && !defaultGroups.get() && !groupsChosenByUser();
        try {
            return open(oneShare);
        } catch (SSLException e) {
            if (!oneShare) throw e;
            // A TLS failure of the handshake (a server without a common group sends handshake_failure, the JDK's
            // unexpected_message), or any other: once more with the JDK's defaults, which this registry keeps.
            defaultGroups.set(true);
            LOG.debug("{}: handshake offering {} refused ({}); offering the JDK's default groups", authority, ONE_SHARE_GROUPS, e.toString());
            return open(false);
        }
    }

    private Socket open(boolean oneShare) throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            raw.setTcpNoDelay(true);
            raw.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, stallTimeout.toMillis())));
            if (tls == null) return raw;
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host, as for the JDK client
            p.setApplicationProtocols(new String[]{"http/1.1"});
            if (oneShare) namedGroups(p, ONE_SHARE_GROUPS);
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** {@code SSLParameters.setNamedGroups} (Java 20), or null on an older Java. */
    private static MethodHandle setNamedGroups() {
        try {
            return MethodHandles.publicLookup().findVirtual(SSLParameters.class, "setNamedGroups",
                    MethodType.methodType(void.class, String[].class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** Whether this probe's connections offer the JDK's default key exchange groups (a registry refused x25519 alone). */
    boolean offersDefaultGroups() { return defaultGroups.get(); }

    /**
     * Whether the JVM's key exchange groups were chosen by whoever runs it ({@code -Djdk.tls.namedGroups}, e.g. a
     * FIPS or site policy): those are offered as they are, never narrowed to {@link #ONE_SHARE_GROUPS}.
     */
    static boolean groupsChosenByUser() {
        String chosen = System.getProperty("jdk.tls.namedGroups");
        return chosen != null && !chosen.isBlank();
    }

    /** Whether this JVM lets a connection choose its key exchange groups (Java 20 and later). */
    static boolean choosesGroups() { return SET_NAMED_GROUPS != null; }

    /** Sets {@code groups} as the key exchange groups of {@code p} (only when {@link #choosesGroups}). */
    static void namedGroups(SSLParameters p, List<String> groups) {
        try {
            SET_NAMED_GROUPS.invoke(p, groups.toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code HEAD path}, with the manifest media types accepted when {@code manifest}. */
    private byte[] request(String path, boolean manifest) {
        return ("HEAD " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: " + userAgent
                + (manifest ? "\r\nAccept: " + accept : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The parts of one response this probe looks at. */
    private record Response(int status, String digest, String contentType, long length, boolean closes) {
        Answer answer() {
            if (status == 404) return new Answer(404, null);
            if (status == 200 && Digests.isDigest(digest)) {
                return new Answer(200, new ManifestDescriptor(digest, MediaTypes.strip(contentType == null ? "" : contentType), length));
            }
            return null;
        }
    }

    /** Reads one response to a HEAD (status line and headers; a HEAD answer has no body, RFC 9110 §9.3.2). */
    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        // "HTTP/1.1 200 OK": HTTP/1.0 servers do not keep connections for pipelining; anything else is not HTTP.
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) throw new IOException("not an HTTP/1.1 status line");
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line");
        }
        if (code < 200) throw new IOException("interim response " + code); // none is asked for; stop here
        String digest = null;
        String type = null;
        long length = -1;
        boolean closes = false;
        int bytes = status.length();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            bytes += h.length() + 2;
            if (bytes > MAX_HEADER_BYTES) throw new IOException("response headers over " + MAX_HEADER_BYTES + " bytes");
            int colon = h.indexOf(':');
            if (colon <= 0) throw new IOException("malformed header line");
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Docker-Content-Digest")) digest = value;
            else if (name.equalsIgnoreCase("Content-Type")) type = value;
            else if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    length = -1;
                }
            } else if (name.equalsIgnoreCase("Connection")) {
                for (String token : value.split(",")) if (token.trim().equalsIgnoreCase("close")) closes = true;
            }
        }
        return new Response(code, digest, type, length, closes);
    }

    /** One header line without its CRLF (a bare LF is accepted); at most {@link #MAX_LINE} bytes. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed");
            if (c == '\n') break;
            if (b.length() >= MAX_LINE) throw new IOException("header line over " + MAX_LINE + " bytes");
            b.append((char) c);
        }
        int n = b.length();
        if (n > 0 && b.charAt(n - 1) == '\r') b.setLength(n - 1);
        return b.toString();
    }
}
