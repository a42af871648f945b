package org.imagetree.registry;

import org.imagetree.model.ImageReference;
import org.imagetree.testing.LocalRegistry;
import org.imagetree.testing.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real registry with htpasswd Basic auth: the challenge drives the credentials, which never leak. */
class BasicAuthTest {
    private static final String USER = "prod-build";
    private static final String PASSWORD = "s3cret-Pa55word";
    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100));
    private static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() { registry = LocalRegistry.start(USER, PASSWORD); }

    @AfterAll
    static void stopRegistry() { registry.close(); }

    private RegistryClient client(String password) {
        RegistryClient.Builder b = RegistryClient.builder().retryPolicy(FAST);
        if (password != null) b.credentials(new RegistryCredentials(registry.host(), USER, password));
        return b.build();
    }

    private ImageReference ref(String s) { return ImageReference.parse(registry.host() + "/" + s); }

    @Test
    void anonymousReadIsRefusedWithAClearError() {
        assertThatThrownBy(() -> client(null).headManifest(ref("tree/basic:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isAuthFailure()).isTrue();
                    assertThat(e.getMessage()).contains(registry.host()).contains("no credentials configured");
                });
    }

    @Test
    void credentialsAnswerTheChallengeAndAreThenSentUpFront() {
        RegistryClient client = client(PASSWORD);
        TinyImage image = TinyImage.docker("basic");

        assertThat(client.headManifest(ref("tree/basic:missing"))).isEmpty();
        assertThat(client.requestCount()).isEqualTo(2); // 401 challenge, then the authenticated retry
        image.pushTo(client, ref("tree/basic:1"));
        long before = client.requestCount();

        assertThat(client.headManifest(ref("tree/basic:1")).map(ManifestDescriptor::digest)).contains(image.manifestDigest());
        assertThat(client.requestCount() - before).isEqualTo(1);
    }

    @Test
    void wrongPasswordFailsWithoutShowingIt() {
        String wrong = "wrong-Pa55word-xyz";
        RegistryClient client = client(wrong);

        assertThatThrownBy(() -> client.headManifest(ref("tree/basic:1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("credentials configured for " + registry.host() + " were rejected");
                    assertThat(fullText(e)).doesNotContain(wrong).doesNotContain(base64(wrong));
                });
        assertThat(client.toString()).doesNotContain(wrong);
        assertThat(new RegistryCredentials(registry.host(), USER, wrong).toString()).doesNotContain(wrong).contains(USER);
    }

    static String base64(String password) {
        return java.util.Base64.getEncoder().encodeToString((USER + ":" + password).getBytes());
    }

    static String fullText(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w + String.valueOf(t);
    }
}
