package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.List;
import org.imagetree.config.SecretMask;

/**
 * Replaces every whole occurrence of a secret with {@code ****} before a line reaches the build console. Secrets
 * shorter than {@link SecretMask#MIN_LENGTH} are not masked (it would garble every line); {@link EngineSettings}
 * refuses such a password.
 */
public final class SecretMasker implements Serializable {
    private static final long serialVersionUID = 2L;
    private final SecretMask mask;

    public SecretMasker(List<String> secrets) {
        this.mask = SecretMask.of(secrets);
    }

    public String mask(String text) {
        return mask.mask(text);
    }
}
