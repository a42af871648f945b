package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.List;
import org.imagetree.config.SecretMask;

/**
 * Replaces every whole occurrence of a secret with {@code ****} before a line reaches the build console, however
 * short the secret: a registry password shorter than {@link SecretMask#MIN_LENGTH} characters is accepted (a test
 * registry's often is), masked too, and {@link #shortSecretWarning()} says once that its mask may also hide ordinary
 * text containing the same characters.
 */
public final class SecretMasker implements Serializable {
    private static final long serialVersionUID = 3L;
    private final SecretMask mask;
    private final boolean hasShortSecret;

    public SecretMasker(List<String> secrets) {
        this.mask = SecretMask.anyLength(secrets);
        this.hasShortSecret = secrets.stream().anyMatch(s -> s != null && !s.isEmpty() && s.length() < SecretMask.MIN_LENGTH);
    }

    public String mask(String text) {
        return mask.mask(text);
    }

    /** The console warning for a secret shorter than {@link SecretMask#MIN_LENGTH} characters, if there is one. */
    public java.util.Optional<String> shortSecretWarning() {
        if (!hasShortSecret) return java.util.Optional.empty();
        return java.util.Optional.of("[imagetree] warning: the registry password is shorter than " + SecretMask.MIN_LENGTH
                + " characters: it is masked as " + SecretMask.MASK + " wherever it appears in this log, which can hide ordinary text"
                + " containing the same characters; a longer password avoids that");
    }
}
