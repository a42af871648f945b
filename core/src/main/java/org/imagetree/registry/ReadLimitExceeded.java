package org.imagetree.registry;

import java.io.IOException;

/**
 * Something read from outside went past one of the {@link org.imagetree.config.ReadLimits}: too many bytes, or too long.
 * The message names the configuration key. Never retried: the same answer would go past it again.
 */
public final class ReadLimitExceeded extends IOException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ReadLimitExceeded(String message, String key) {
        super(message);
        this.key = key;
    }

    /** The configuration key of the limit ({@code max_manifest_bytes}, {@code request_timeout}, …). */
    public String key() { return key; }
}
