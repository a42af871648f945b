package org.imagetree.policy;

import java.util.Locale;
import java.util.Objects;
import org.imagetree.model.ImageReference;

/**
 * One allowed registry: a host with optional port, optionally narrowed to a repository path prefix
 * ({@code docker-registry.wikimedia.org/releng}). Matching is on parsed, normalised references, component by
 * component, so {@code docker-registry.wikimedia.org.evil.example/x} never matches
 * {@code docker-registry.wikimedia.org}, and {@code …/releng-evil/x} never matches {@code …/releng}.
 *
 * @param host       lower-case host[:port]; {@code docker.io} for Docker Hub
 * @param pathPrefix repository prefix without slashes at either end, or "" for the whole registry
 */
public record AllowedRegistry(String host, String pathPrefix) {
    public AllowedRegistry {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (host.isEmpty()) throw new IllegalArgumentException("empty registry host");
    }

    /**
     * Parses a configured entry: {@code host}, {@code host:port}, {@code host/path/prefix}; an
     * {@code https://} scheme and trailing slashes are dropped; {@code index.docker.io} and
     * {@code registry-1.docker.io} mean {@code docker.io}.
     *
     * @throws IllegalArgumentException when the entry is not a registry
     */
    public static AllowedRegistry parse(String entry) {
        if (entry == null || entry.isBlank()) throw new IllegalArgumentException("empty allowed registry");
        String s = entry.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) s = s.substring("https://".length());
        else if (lower.startsWith("http://")) s = s.substring("http://".length());
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        int slash = s.indexOf('/');
        String host = (slash < 0 ? s : s.substring(0, slash)).toLowerCase(Locale.ROOT);
        String prefix = slash < 0 ? "" : s.substring(slash + 1);
        if (host.contains("@") || prefix.contains(":") || prefix.contains("@") || prefix.contains("//")) {
            throw new IllegalArgumentException("allowed registry '" + entry + "' must be host[:port][/path], without tag or digest");
        }
        // Validate with the image reference grammar: a dummy repository under the entry must parse to this host.
        ImageReference probe;
        try {
            probe = ImageReference.parse(host + "/" + (prefix.isEmpty() ? "" : prefix + "/") + "probe");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("allowed registry '" + entry + "' is not a registry host[:port][/path]", e);
        }
        if (!probe.registry().equals(normaliseHost(host))) {
            throw new IllegalArgumentException("allowed registry '" + entry + "' does not start with a registry host"
                    + " (a host needs a dot, a port, or to be localhost)");
        }
        return new AllowedRegistry(probe.registry(), prefix);
    }

    private static String normaliseHost(String host) {
        return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? ImageReference.DOCKER_HUB : host;
    }

    /** Whether the (normalised) reference is in this registry and under the path prefix. */
    public boolean matches(ImageReference ref) {
        if (!ref.registry().equals(host)) return false;
        return pathPrefix.isEmpty() || ref.repository().startsWith(pathPrefix + "/");
    }

    /** The string prefix, with a trailing slash, that a fully written reference in this registry starts with. */
    public String prefix() {
        return pathPrefix.isEmpty() ? host + "/" : host + "/" + pathPrefix + "/";
    }

    @Override
    public String toString() {
        return pathPrefix.isEmpty() ? host : host + "/" + pathPrefix;
    }
}
