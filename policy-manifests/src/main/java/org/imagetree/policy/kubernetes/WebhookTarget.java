package org.imagetree.policy.kubernetes;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Objects;

/**
 * Where the API server reaches the admission webhook.
 *
 * @param url            HTTPS URL of the validate endpoint, without user info, query or fragment
 * @param caBundlePem    PEM certificate(s) the server certificate chains to
 * @param timeoutSeconds 1 to 30
 * @param webhookName    fully qualified webhook name (at least three DNS labels)
 */
public record WebhookTarget(URI url, String caBundlePem, int timeoutSeconds, String webhookName) {
    public static final String DEFAULT_WEBHOOK_NAME = "registry-policy.imagetree.org";
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;

    public WebhookTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(caBundlePem, "caBundlePem");
        Objects.requireNonNull(webhookName, "webhookName");
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("webhook URL must be https://host[:port]/path: " + url);
        }
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("webhook URL must not have user info, a query or a fragment: " + url);
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 30) throw new IllegalArgumentException("timeoutSeconds must be 1..30, was " + timeoutSeconds);
        if (!webhookName.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}")) {
            throw new IllegalArgumentException("webhook name must be a fully qualified DNS name with at least three labels: " + webhookName);
        }
        requireCertificates(caBundlePem);
    }

    /** With the default timeout and name. */
    public static WebhookTarget of(URI url, String caBundlePem) {
        return new WebhookTarget(url, caBundlePem, DEFAULT_TIMEOUT_SECONDS, DEFAULT_WEBHOOK_NAME);
    }

    private static void requireCertificates(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) throw new IllegalArgumentException("CA bundle has no PEM certificate");
        try {
            if (CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw new IllegalArgumentException("CA bundle has no certificate");
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("CA bundle is not valid PEM: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "WebhookTarget[url=" + url + ", timeoutSeconds=" + timeoutSeconds + ", webhookName=" + webhookName + "]";
    }
}
