package org.imagetree.registry;

import org.imagetree.InputError;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-registry CA certificates in Docker's layout: {@code <dir>/<host[:port]>/*.crt} (by default
 * {@code /etc/docker/certs.d}, which the Docker daemon reads for the same registry). A registry with such a directory
 * is reached over TLS, even on loopback, and its server certificate may chain to those CAs or, as with Docker, to the
 * client's default trust. Client certificates ({@code *.cert}/{@code *.key}) are not read.
 */
final class CertsDirectory {
    private final Path dir;
    private final java.util.Map<String, List<Path>> listed = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param dir the directory of per-registry directories; null for none */
    CertsDirectory(Path dir) { this.dir = dir; }

    /**
     * The CA certificate files of {@code registry}, sorted; empty when it has no directory or no {@code *.crt}. Read
     * once per registry (every request asks which scheme its registry uses).
     */
    List<Path> caFiles(String registry) {
        List<Path> known = listed.get(registry);
        if (known != null) return known;
        List<Path> files = list(registry);
        listed.putIfAbsent(registry, files);
        return files;
    }

    private List<Path> list(String registry) {
        if (dir == null || registry.isEmpty() || registry.contains("/") || registry.startsWith(".")) return List.of();
        Path own = dir.resolve(registry);
        if (!Files.isDirectory(own)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(own, "*.crt")) {
            files.forEach(out::add);
        } catch (IOException e) {
            throw new InputError(own, 0, "cannot read the registry's certificate directory: " + e.getMessage(), e);
        }
        out.sort(null);
        return List.copyOf(out);
    }

    /** Whether {@code registry} has CA certificates here (it is then reached over TLS). */
    boolean hasCertificates(String registry) { return !caFiles(registry).isEmpty(); }

    /**
     * A TLS context trusting the CAs of {@code registry} and then {@code fallback} (the client's default trust, made
     * only if a server certificate does not chain to the registry's own CAs), or empty when it has none.
     */
    Optional<SSLContext> context(String registry, java.util.function.Supplier<X509ExtendedTrustManager> fallback) {
        List<Path> files = caFiles(registry);
        if (files.isEmpty()) return Optional.empty();
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    int before = i;
                    for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("ca-" + i++, cert);
                    }
                    if (i == before) throw new InputError(f, 0, "holds no PEM certificate");
                } catch (IOException e) {
                    throw new InputError(f, 0, "cannot read CA certificate: " + e.getMessage(), e);
                } catch (CertificateException e) {
                    throw new InputError(f, 0, "invalid CA certificate: " + e.getMessage(), e);
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new EitherTrust(trustManager(trust), fallback)}, null);
            return Optional.of(ctx);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context for " + registry + ": " + e.getMessage(), e);
        }
    }

    /** The JVM's default trust (its {@code cacerts}). */
    static X509ExtendedTrustManager defaultTrust() {
        try {
            return trustManager(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default TLS trust: " + e.getMessage(), e);
        }
    }

    static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) return x;
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Server certificates chaining to {@code first}, else to the lazily made {@code second}. Never trusts clients. */
    private static final class EitherTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager first;
        private final java.util.function.Supplier<X509ExtendedTrustManager> second;
        private volatile X509ExtendedTrustManager secondMade;

        EitherTrust(X509ExtendedTrustManager first, java.util.function.Supplier<X509ExtendedTrustManager> second) {
            this.first = first;
            this.second = second;
        }

        private X509ExtendedTrustManager second() {
            X509ExtendedTrustManager s = secondMade;
            if (s == null) secondMade = s = second.get();
            return s;
        }

        /** One of the three server checks, against a given trust manager. */
        private interface Check {
            void against(X509ExtendedTrustManager trust) throws CertificateException;
        }

        /** {@code check} against the first trust, and if that refuses, against the second. */
        private void eitherTrusts(Check check) throws CertificateException {
            try {
                check.against(first);
            } catch (CertificateException e) {
                try {
                    check.against(second());
                } catch (CertificateException e2) {
                    e.addSuppressed(e2);
                    throw e;
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            eitherTrusts(t -> t.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            eitherTrusts(t -> t.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            eitherTrusts(t -> t.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a registry client does not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a registry client does not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a registry client does not accept client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() { return first.getAcceptedIssuers(); }
    }
}
