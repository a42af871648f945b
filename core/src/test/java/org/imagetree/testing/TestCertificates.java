package org.imagetree.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for 127.0.0.1 made with the openssl CLI, a client context trusting one, and a server
 * context with its key made by the JDK's keytool.
 */
public final class TestCertificates {
    private TestCertificates() {}

    /** Paths of a certificate and its key. */
    public record Pair(Path certificate, Path key) {}

    /** RSA 2048 key in PKCS#8 ("BEGIN PRIVATE KEY") and a self-signed certificate for IP 127.0.0.1. */
    public static Pair rsa(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("rsa-cert.pem");
        Path key = dir.resolve("rsa-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        return new Pair(cert, key);
    }

    /** The same RSA key in PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
    public static Path rsaPkcs1(Path dir, Path pkcs8Key) throws IOException, InterruptedException {
        Path out = dir.resolve("rsa-pkcs1.pem");
        openssl(dir, "rsa", "-in", pkcs8Key.toString(), "-traditional", "-out", out.toString());
        return out;
    }

    /** A P-256 key in SEC1 ("BEGIN EC PRIVATE KEY") and a certificate for IP 127.0.0.1. */
    public static Pair ec(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("ec-cert.pem");
        Path key = dir.resolve("ec-key.pem");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        openssl(dir, "req", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1");
        return new Pair(cert, key);
    }

    public static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    /** A server's TLS context and the certificate its clients trust. */
    public record Server(SSLContext context, Path certificate) {}

    /** An RSA 2048 key and a self-signed certificate for IP 127.0.0.1 made with the JDK's keytool, as a server context. */
    public static Server server(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        char[] password = "serverpass".toCharArray();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        TestEnvironment.run(java.util.Map.of(), keytool, "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "serverpass", "-keypass", "serverpass", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1");
        Path certificate = dir.resolve("server.crt");
        TestEnvironment.run(java.util.Map.of(), keytool, "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "serverpass", "-alias", "server", "-file", certificate.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Server(context, certificate);
    }

    /** A client TLS context that trusts exactly this certificate. */
    public static SSLContext trusting(Path certificate) throws Exception {
        Certificate cert = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readString(certificate).getBytes(StandardCharsets.US_ASCII)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
