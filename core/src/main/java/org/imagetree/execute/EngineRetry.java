package org.imagetree.execute;

import org.imagetree.registry.RetryPolicy;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Repeats an engine operation that is safe to repeat (a pull, a push: the registry keeps what it already has) when it
 * fails in a way that may pass, with the bounded, jittered backoff of a {@link RetryPolicy}. Each retry is told;
 * the last failure says how many attempts were made. Wrong credentials, refused access, unknown images and
 * interruptions are not repeated.
 */
public final class EngineRetry {
    private final RetryPolicy policy;

    public EngineRetry(RetryPolicy policy) {
        this.policy = policy;
    }

    /** One attempt of the operation. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws EngineException;
    }

    /**
     * @param what what is attempted, for the messages ("push of registry/app:1.0")
     * @param log  where each retry is told
     */
    public <T> T run(String what, Consumer<String> log, Attempt<T> attempt) throws EngineException, InterruptedException {
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (EngineException e) {
                if (!retriable(e)) throw e;
                if (n >= policy.maxAttempts()) throw new EngineException(e.getMessage() + " (gave up after " + n + " attempts)", e);
                Duration delay = policy.delayAfter(n, null);
                log.accept(what + " failed (attempt " + n + " of " + policy.maxAttempts() + "), retrying in "
                        + delay.toMillis() + " ms: " + e.getMessage());
                Thread.sleep(delay.toMillis());
            }
        }
    }

    /** Whether asking again may help: not for credentials, permissions, unknown images, interruptions. */
    public static boolean retriable(EngineException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return !(m.contains("interrupted") || m.contains("unauthorized") || m.contains("authentication required")
                || m.contains("denied") || m.contains("no such image") || m.contains("does not exist locally")
                || m.contains("manifest unknown") || m.contains("name unknown") || m.contains("repository does not exist"));
    }
}
