package org.imagetree.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Username and password for one registry host. {@link #toString()} never shows the password.
 *
 * @param registry registry host with optional port, as in an image reference ({@code localhost:5000})
 */
public record RegistryCredentials(String registry, String username, String password) {
    public RegistryCredentials {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (registry.isBlank()) throw new IllegalArgumentException("credentials need a registry host");
    }

    /** The value of an {@code Authorization} header for HTTP Basic authentication. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredentials[registry=" + registry + ", username=" + username + ", password=****]";
    }
}
