package org.imagetree.model;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference, parsed and normalised the way the Docker engine does:
 * {@code bookworm} is {@code docker.io/library/bookworm:latest}; the first path component is a registry
 * when it contains a dot or a colon or is {@code localhost}; a reference may carry a tag, a digest, or both.
 *
 * @param registry   registry host with optional port, e.g. {@code docker.io}, {@code localhost:5000}
 * @param repository repository path, e.g. {@code library/debian}, {@code ns/python3}
 * @param tag        tag, or null when only a digest was given (then {@link #reference()} is the digest)
 * @param digest     digest such as {@code sha256:…}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) tag = "latest";
    }

    /**
     * Parses and normalises a reference.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static ImageReference parse(String ref) {
        if (ref == null || ref.isBlank()) throw new IllegalArgumentException("empty image reference");
        String rest = ref.trim();
        if (!rest.equals(ref)) throw new IllegalArgumentException("image reference has surrounding whitespace: '" + ref + "'");
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) throw new IllegalArgumentException("invalid digest in image reference '" + ref + "'");
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw new IllegalArgumentException("invalid tag '" + tag + "' in image reference '" + ref + "'");
        }
        String registry;
        String path;
        int first = rest.indexOf('/');
        String head = first < 0 ? null : rest.substring(0, first);
        if (head != null && (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("["))) {
            if (!HOST.matcher(head).matches()) throw new IllegalArgumentException("invalid registry host '" + head + "' in image reference '" + ref + "'");
            registry = head.toLowerCase(java.util.Locale.ROOT);
            path = rest.substring(first + 1);
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) registry = DOCKER_HUB;
        if (path.isEmpty()) throw new IllegalArgumentException("image reference '" + ref + "' has no repository");
        for (String c : path.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new IllegalArgumentException("invalid repository name '" + path + "' in image reference '" + ref + "'"
                        + (c.chars().anyMatch(Character::isUpperCase) ? " (must be lowercase)" : ""));
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) path = "library/" + path;
        if (path.length() + registry.length() + 1 > 255) throw new IllegalArgumentException("image reference '" + ref + "' is longer than 255 characters");
        return new ImageReference(registry, path, tag, digest);
    }

    /** The tag if set, else the digest: what goes after {@code /manifests/} in the registry API. */
    public String reference() { return digest != null ? digest : tag; }

    public Optional<String> digestValue() { return Optional.ofNullable(digest); }

    /** {@code registry/repository}, fully qualified. */
    public String repositoryName() { return registry + "/" + repository; }

    /** A copy with another tag and no digest. */
    public ImageReference withTag(String newTag) { return new ImageReference(registry, repository, newTag, null); }

    /** Fully qualified form: {@code registry/repository[:tag][@digest]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(repositoryName());
        if (tag != null) sb.append(':').append(tag);
        if (digest != null) sb.append('@').append(digest);
        return sb.toString();
    }

    /** Shortest form the Docker CLI would print (drops {@code docker.io/} and {@code library/}). */
    public String familiar() {
        String repo = repositoryName();
        if (registry.equals(DOCKER_HUB)) {
            repo = repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
        }
        StringBuilder sb = new StringBuilder(repo);
        if (tag != null) sb.append(':').append(tag);
        if (digest != null) sb.append('@').append(digest);
        return sb.toString();
    }

    /** Whether a tag is valid for a registry ({@code [A-Za-z0-9_][A-Za-z0-9._-]{0,127}}). */
    public static boolean isValidTag(String tag) { return tag != null && TAG.matcher(tag).matches(); }

    /** Whether the registry host is a loopback address (plain HTTP is allowed there). */
    public static boolean isLoopbackRegistry(String registry) {
        String host = registry;
        if (host.startsWith("[")) host = host.substring(1, host.indexOf(']'));
        else if (host.contains(":")) host = host.substring(0, host.lastIndexOf(':'));
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
