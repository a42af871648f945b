package org.imagetree.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Distribution registry ({@code docker-registry serve}) of its own: 127.0.0.1 on a free port, filesystem
 * storage in a temporary directory, delete enabled, optionally htpasswd Basic auth (bcrypt via {@code htpasswd -B}),
 * optionally over TLS (which Distribution serves with HTTP/2) with a certificate made by {@link TestCertificates}.
 * {@link #close()} stops it and deletes the storage.
 *
 * <pre>try (LocalRegistry registry = LocalRegistry.start()) { … registry.host() … }</pre>
 */
public final class LocalRegistry implements AutoCloseable {
    private static final String BINARY = System.getProperty("imagetree.docker-registry", "/usr/bin/docker-registry");
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final Process process;
    private final TestCertificates.Pair tls;

    private LocalRegistry(Path dir, int port, Process process, TestCertificates.Pair tls) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.tls = tls;
    }

    /**
     * An anonymous registry serving HTTPS (HTTP/2 by ALPN) with a self-signed certificate for IP 127.0.0.1, made in its
     * own directory; {@link #certificate()} is that certificate (the CA a client must trust).
     */
    public static LocalRegistry startTls() { return start(null, null, false, true); }

    /** As {@link #startTls()}, logging every request it serves (see {@link #log()}), with its HTTP version. */
    public static LocalRegistry startTlsLoggingRequests() { return start(null, null, false, true, true); }

    /** The PEM certificate of a {@link #startTls()} registry. */
    public Path certificate() {
        if (tls == null) throw new IllegalStateException("not a TLS registry");
        return tls.certificate();
    }

    /**
     * Writes this registry's certificate where Docker looks for a registry's CAs: {@code certsDirectory/<host>/ca.crt}.
     */
    public void trustIn(Path certsDirectory) throws IOException {
        Path own = Files.createDirectories(certsDirectory.resolve(host()));
        Files.copy(certificate(), own.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** An anonymous registry. */
    public static LocalRegistry start() { return start(null, null, false); }

    /** A registry requiring HTTP Basic auth for every request. */
    public static LocalRegistry start(String username, String password) { return start(username, password, false); }

    /**
     * @param username     null for an anonymous registry
     * @param relativeUrls whether {@code Location} and {@code Link} headers are relative ({@code http.relativeurls})
     */
    public static LocalRegistry start(String username, String password, boolean relativeUrls) {
        return start(username, password, relativeUrls, false);
    }

    /** An anonymous registry that logs every request it serves (see {@link #log()}), to tell whether it was asked at all. */
    public static LocalRegistry startLoggingRequests() { return start(null, null, false, false, true); }

    private static LocalRegistry start(String username, String password, boolean relativeUrls, boolean https) {
        return start(username, password, relativeUrls, https, false);
    }

    private static LocalRegistry start(String username, String password, boolean relativeUrls, boolean https, boolean accessLog) {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken between probe and bind
            Path dir = null;
            try {
                dir = Files.createTempDirectory("imagetree-registry-");
                int port = freePort();
                String auth = "";
                if (username != null) {
                    Path htpasswd = dir.resolve("htpasswd");
                    htpasswd(htpasswd, username, password);
                    auth = "auth:\n  htpasswd:\n    realm: imagetree-test\n    path: " + htpasswd + "\n";
                }
                TestCertificates.Pair tls = null;
                String tlsConfig = "";
                if (https) {
                    tls = TestCertificates.rsa(dir);
                    tlsConfig = "  tls:\n    certificate: " + tls.certificate() + "\n    key: " + tls.key() + "\n";
                }
                Path config = dir.resolve("config.yml");
                Files.writeString(config, "version: 0.1\n"
                        + "log:\n  level: warn\n  accesslog:\n    disabled: " + !accessLog + "\n"
                        + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n  delete:\n    enabled: true\n"
                        + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: " + UUID.randomUUID() + "\n  relativeurls: " + relativeUrls + "\n"
                        + tlsConfig + auth);
                Process p = new ProcessBuilder(BINARY, "serve", config.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
                LocalRegistry registry = new LocalRegistry(dir, port, p, tls);
                if (registry.awaitReady()) return registry;
                String log = registry.log();
                registry.close();
                last = new IOException("docker-registry did not answer on 127.0.0.1:" + port + ":\n" + log);
            } catch (IOException e) {
                last = e;
                if (dir != null) deleteTree(dir);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("cannot start a local registry", last);
    }

    /** {@code 127.0.0.1:<port>}, the registry part of image references. */
    public String host() { return "127.0.0.1:" + port; }

    public int port() { return port; }

    public URI baseUri() { return URI.create((tls == null ? "http://" : "https://") + host()); }

    /** The registry's own log (stdout and stderr). */
    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) return false;
            try {
                HttpURLConnection c = (HttpURLConnection) baseUri().resolve("/v2/").toURL().openConnection();
                if (c instanceof javax.net.ssl.HttpsURLConnection s) s.setSSLSocketFactory(trusting().getSocketFactory());
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200 || status == 401) return true;
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return false;
    }

    private javax.net.ssl.SSLContext trusting() throws IOException {
        try {
            return TestCertificates.trusting(tls.certificate());
        } catch (Exception e) {
            throw new IOException("cannot trust the registry's certificate", e);
        }
    }

    private static void htpasswd(Path file, String username, String password) throws IOException {
        Process p = new ProcessBuilder("htpasswd", "-Bbn", username, password).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("htpasswd -B failed (apt-get install apache2-utils): " + err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Files.write(file, out);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
