package org.imagetree.policy.webhook;

import org.imagetree.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
    @TempDir static Path dir;
    static TestCertificates.Pair rsa;
    static TestCertificates.Pair ec;

    @BeforeAll
    static void generate() throws Exception {
        rsa = TestCertificates.rsa(dir);
        ec = TestCertificates.ec(dir);
    }

    @Test
    void pkcs8AndPkcs1RsaKeysAreTheSameKey() throws Exception {
        String pkcs8 = Files.readString(rsa.key());
        String pkcs1 = Files.readString(TestCertificates.rsaPkcs1(dir, rsa.key()));
        assertThat(pkcs8).contains("BEGIN PRIVATE KEY");
        assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
        PrivateKey a = PemTls.privateKey(pkcs8);
        PrivateKey b = PemTls.privateKey(pkcs1);
        assertThat(a).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(b.getEncoded()).isEqualTo(a.getEncoded());
    }

    @Test
    void sec1EcKeyMatchesItsPkcs8Conversion() throws Exception {
        String sec1 = Files.readString(ec.key());
        assertThat(sec1).contains("BEGIN EC PRIVATE KEY");
        Path pkcs8 = dir.resolve("ec-pkcs8.pem");
        TestCertificates.openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", ec.key().toString(), "-out", pkcs8.toString());
        ECPrivateKey fromSec1 = (ECPrivateKey) PemTls.privateKey(sec1);
        ECPrivateKey fromPkcs8 = (ECPrivateKey) PemTls.privateKey(Files.readString(pkcs8));
        assertThat(fromSec1.getS()).isEqualTo(fromPkcs8.getS());
        assertThat(fromSec1.getParams().getCurve()).isEqualTo(fromPkcs8.getParams().getCurve());
    }

    @Test
    void serverContextsBuildFromFiles() throws Exception {
        assertThat(PemTls.serverContext(rsa.certificate(), rsa.key()).getProtocol()).isEqualTo("TLS");
        assertThat(PemTls.serverContext(ec.certificate(), ec.key()).getProtocol()).isEqualTo("TLS");
    }

    @Test
    void missingCertificateOrKeyIsReported() throws Exception {
        String cert = Files.readString(rsa.certificate());
        assertThatThrownBy(() -> PemTls.serverContext(cert, cert)).hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> PemTls.serverContext(Files.readString(rsa.key()), Files.readString(rsa.key())))
                .hasMessageContaining("no PEM certificate");
    }

    @Test
    void encryptedAndCorruptKeysAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> PemTls.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> PemTls.privateKey("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n"))
                .hasMessage("unsupported or corrupt private key");
        assertThatThrownBy(() -> PemTls.privateKey("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0\n-----END EC PRIVATE KEY-----\n"))
                .hasMessage("corrupt EC private key");
    }

    @Test
    void longDerLengthsAreEncoded() {
        assertThat(PemTls.tlv(0x04, new byte[0x7f])).startsWith(0x04, 0x7f);
        assertThat(PemTls.tlv(0x04, new byte[0x80])).startsWith(0x04, 0x81, 0x80);
        assertThat(PemTls.tlv(0x04, new byte[0x1234])).startsWith(0x04, 0x82, 0x12, 0x34);
    }
}
