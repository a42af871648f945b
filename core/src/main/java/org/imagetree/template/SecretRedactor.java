package org.imagetree.template;

import org.imagetree.config.EngineConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes possible secrets from error messages: the credential values, and the user-info part of any
 * URL-like config value (a proxy such as {@code http://user:pass@proxy:8080}). Immutable.
 */
final class SecretRedactor {
    static final String MASK = "****";
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+(?=@)");

    private final List<String> secrets;

    private SecretRedactor(List<String> secrets) {
        this.secrets = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    static SecretRedactor of(EngineConfig config) {
        List<String> secrets = new ArrayList<>();
        config.username().ifPresent(secrets::add);
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
        String out = message;
        for (String secret : secrets) out = out.replace(secret, MASK);
        return USER_INFO.matcher(out).replaceAll(MASK);
    }
}
