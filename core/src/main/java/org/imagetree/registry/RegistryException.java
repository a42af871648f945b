package org.imagetree.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * A registry call that failed: an HTTP error the client cannot recover from, a failed authentication, a digest
 * mismatch, or a transport error that outlasted the retries. Messages name the registry, method and path (never a
 * query string) and the registry's error code; they never contain a password, token or {@code Authorization} value.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** {@link #status()} of failures that never got an HTTP answer (connection refused, reset, timeout). */
    public static final int NO_STATUS = 0;

    private final String registry;
    private final int status;
    private final String errorCode;
    private final boolean retryable;
    private final transient Duration retryAfter;

    public RegistryException(String registry, int status, String errorCode, String message, boolean retryable,
                             Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.registry = registry;
        this.status = status;
        this.errorCode = errorCode;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    RegistryException(String registry, int status, String errorCode, String message) {
        this(registry, status, errorCode, message, false, null, null);
    }

    /** The registry host the call went to. */
    public String registry() { return registry; }

    /** HTTP status, or {@link #NO_STATUS} for transport failures. */
    public int status() { return status; }

    /** The registry's error code ({@code MANIFEST_UNKNOWN}, {@code DENIED}, {@code UNAUTHORIZED}, …), if it sent one. */
    public Optional<String> errorCode() { return Optional.ofNullable(errorCode); }

    /** Whether the failure is transient (5xx, 429, transport) — the client already retried it. */
    public boolean isRetryable() { return retryable; }

    /** The delay the registry asked for ({@code Retry-After}), if any. */
    public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

    /** Whether the registry refused the request for lack of (valid) credentials or permissions. */
    public boolean isAuthFailure() { return status == 401 || status == 403; }
}
