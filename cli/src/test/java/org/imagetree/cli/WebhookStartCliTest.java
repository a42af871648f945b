package org.imagetree.cli;

import org.imagetree.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code policy webhook} start-up failures are one line and exit 2, no stack trace. */
class WebhookStartCliTest {
    @TempDir static Path dir;
    static TestCertificates.Pair one;
    static TestCertificates.Pair two;

    @BeforeAll
    static void certificates() throws Exception {
        one = TestCertificates.rsa(Files.createDirectories(dir.resolve("one")));
        two = TestCertificates.rsa(Files.createDirectories(dir.resolve("two")));
        // A config named with -c must exist (as for every command); this one adds nothing to --allowed.
        Files.writeString(dir.resolve("none.yaml"), "namespace: ''\n");
    }

    private static CliRun webhook(Path cert, Path key, String... more) {
        String[] args = new String[8 + more.length];
        System.arraycopy(new String[] {"-c", dir.resolve("none.yaml").toString(), "policy", "webhook", "--allowed", "registry.example",
                "--tls-cert", cert.toString()}, 0, args, 0, 8);
        System.arraycopy(more, 0, args, 8, more.length);
        String[] withKey = new String[args.length + 2];
        System.arraycopy(args, 0, withKey, 0, args.length);
        withKey[args.length] = "--tls-key";
        withKey[args.length + 1] = key.toString();
        return CliRun.of(withKey);
    }

    private static void assertOneLineError(CliRun r, String... contains) {
        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains(contains).doesNotContain("\tat ", "Exception");
    }

    @Test
    void missingFiles() {
        assertOneLineError(webhook(dir.resolve("nope.crt"), one.key()), "nope.crt", "no such file");
        assertOneLineError(webhook(one.certificate(), dir.resolve("nope.key")), "nope.key", "no such file");
    }

    @Test
    void anEncryptedKey() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        TestCertificates.openssl(dir, "pkcs8", "-topk8", "-in", one.key().toString(), "-out", encrypted.toString(),
                "-passout", "pass:secret-pass");
        assertOneLineError(webhook(one.certificate(), encrypted), "encrypted private keys are not supported");
    }

    @Test
    void aKeyThatIsNotTheCertificates() {
        assertOneLineError(webhook(one.certificate(), two.key()), "does not belong to");
    }

    @Test
    void aPortInUseOrInvalid() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertOneLineError(webhook(one.certificate(), one.key(), "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort())),
                    "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertOneLineError(webhook(one.certificate(), one.key(), "--bind", "127.0.0.1", "--port", "70000"), "--port: 70000");
        assertOneLineError(webhook(one.certificate(), one.key(), "--bind", "no such address!", "--port", "0"), "--bind");
    }
}
