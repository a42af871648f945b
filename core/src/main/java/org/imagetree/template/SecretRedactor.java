package org.imagetree.template;

import org.imagetree.config.EngineConfig;
import org.imagetree.config.SecretMask;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes possible secrets from error messages: the password (whole occurrences, see {@link SecretMask}), and the
 * user-info part of any URL-like config value (a proxy such as {@code http://user:pass@proxy:8080}), which is
 * masked by its shape whatever its length. The user name is not a secret and is not masked (masking a short one
 * garbled every message). Immutable.
 */
final class SecretRedactor {
    static final String MASK = SecretMask.MASK;
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+(?=@)");

    private final SecretMask secrets;

    private SecretRedactor(List<String> secrets) {
        this.secrets = SecretMask.of(secrets);
    }

    static SecretRedactor of(EngineConfig config) {
        List<String> secrets = new ArrayList<>();
        config.password().ifPresent(secrets::add);
        for (Object v : config.values().values()) {
            if (v instanceof String s) {
                Matcher m = USER_INFO.matcher(s);
                while (m.find()) secrets.add(m.group());
            }
        }
        return new SecretRedactor(secrets);
    }

    String redact(String message) {
        if (message == null) return "";
        return USER_INFO.matcher(secrets.mask(message)).replaceAll(MASK);
    }
}
