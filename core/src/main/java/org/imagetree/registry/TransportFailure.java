package org.imagetree.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;

/**
 * What a failed connection to a registry means, in words: the JDK's HTTP client reports a refused connection and an
 * unknown host alike as a {@code ConnectException} without a message, which told users nothing.
 */
public final class TransportFailure {
    private TransportFailure() {}

    /** An unknown host stays unknown: retrying only makes the user wait (each lookup may take seconds). */
    static boolean isUnknownHost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) return true;
        }
        return false;
    }

    /** Certificate and handshake problems do not go away by retrying either. */
    static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) return true;
        }
        return false;
    }

    /** The cause of {@code e} for people: unknown host, connection refused, timeout, TLS (and what to do). */
    public static String describe(IOException e, String registry) {
        if (isUnknownHost(e)) return "unknown host: '" + host(registry) + "' does not resolve (DNS)";
        if (isTls(e)) {
            String m = deepestMessage(e, javax.net.ssl.SSLException.class);
            if (m != null && m.contains("plaintext connection")) {
                return "TLS failed: " + registry + " answers plain HTTP (list it in insecure_registries to use http)";
            }
            if (has(e, CertificateException.class) || (m != null && m.contains("PKIX"))) {
                return "TLS failed: the certificate of " + registry + " is not trusted (" + m + "); give its CA with ca_bundle"
                        + " or certs_dir (Docker's certs.d)";
            }
            return "TLS failed with " + registry + ": " + m;
        }
        if (e instanceof HttpConnectTimeoutException) return "connecting to " + registry + " timed out";
        if (e instanceof HttpTimeoutException) return "no answer from " + registry + " in time (" + e.getMessage() + ")";
        if (has(e, ConnectException.class)) {
            String m = deepestMessage(e, ConnectException.class);
            return m == null || m.equalsIgnoreCase("connection refused")
                    ? "connection refused: nothing listens at " + registry
                    : "cannot connect to " + registry + ": " + m;
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
        return false;
    }

    /** The message of the innermost {@code type} in the cause chain that has one. */
    private static String deepestMessage(Throwable e, Class<? extends Throwable> type) {
        String m = null;
        for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t) && t.getMessage() != null) m = t.getMessage();
        return m;
    }

    private static String host(String registry) {
        if (registry.startsWith("[")) return registry.substring(0, registry.indexOf(']') + 1);
        int colon = registry.lastIndexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }
}
