package org.imagetree.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential backoff with jitter for idempotent registry calls.
 *
 * @param maxAttempts   attempts in total, at least 1 (1 = no retry)
 * @param baseDelay     delay before the second attempt; doubles after each attempt
 * @param maxDelay      cap on one backoff delay
 * @param maxRetryAfter cap on a {@code Retry-After} the registry asks for
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {
    /**
     * 8 attempts, 200 ms doubling to 5 s (about 12 s in all before giving up), a {@code Retry-After} honoured up to 30 s:
     * patient enough that a request survives a network failing a quarter of all requests (issue 22's proxy, every 7th
     * answered 503 and every 8th dropped: four failures in a row happen to one request in 256, eight in 65,536).
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative");
        }
    }

    /**
     * The delay before attempt {@code failedAttempt + 1}: half to all of {@code min(maxDelay, base * 2^(failedAttempt-1))}
     * (so simultaneous builds do not retry in lockstep), or the registry's {@code Retry-After} if longer (capped).
     */
    public Duration delayAfter(int failedAttempt, Duration retryAfter) {
        long capMs = maxDelay.toMillis();
        long expMs = baseDelay.toMillis() << Math.min(failedAttempt - 1, 20);
        long backoff = Math.min(capMs, expMs < 0 ? capMs : expMs);
        long jittered = backoff <= 1 ? backoff : backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        if (retryAfter != null && !retryAfter.isNegative()) {
            long asked = Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis());
            jittered = Math.max(jittered, asked);
        }
        return Duration.ofMillis(jittered);
    }
}
