package org.imagetree.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;

/**
 * Which image references may be used: those in an allowed registry (after Docker normalisation) and not one of
 * the denied repositories (the base images, which are built to be built upon and never deployed).
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistryPolicy {
    private final List<AllowedRegistry> allowed;
    private final Set<String> deniedRepositories;

    private RegistryPolicy(List<AllowedRegistry> allowed, Set<String> deniedRepositories) {
        if (allowed.isEmpty()) throw new IllegalArgumentException("no allowed registries: set 'allowed_registries' or 'registry'");
        this.allowed = List.copyOf(allowed);
        this.deniedRepositories = Set.copyOf(deniedRepositories);
    }

    /**
     * @param allowedRegistries entries for {@link AllowedRegistry#parse}
     * @param deniedImages      images whose repository is refused with any tag or digest, <em>under every allowed
     *                          registry</em>: {@code bookworm} or {@code docker-registry.example.org/bookworm:latest}
     *                          deny {@code bookworm} in each allowed registry (and below each allowed path prefix),
     *                          however the reference names it
     * @throws IllegalArgumentException on an invalid entry
     */
    public static RegistryPolicy of(Collection<String> allowedRegistries, Collection<String> deniedImages) {
        List<AllowedRegistry> allowed = new ArrayList<>();
        for (String entry : allowedRegistries) {
            AllowedRegistry r = AllowedRegistry.parse(entry);
            if (!allowed.contains(r)) allowed.add(r);
        }
        Set<String> denied = new LinkedHashSet<>();
        for (String image : deniedImages) {
            String trimmed = image.trim();
            ImageReference ref;
            try {
                ref = ImageReference.parse(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("denied image '" + image + "': " + e.getMessage(), e);
            }
            String path = hasRegistry(trimmed) ? ref.repository() : shortRepository(trimmed);
            if (hasRegistry(trimmed)) denied.add(ref.repositoryName());
            for (AllowedRegistry a : allowed) {
                denied.add(a.host() + "/" + path);
                if (a.host().equals(ImageReference.DOCKER_HUB) && !path.contains("/")) denied.add(a.host() + "/library/" + path);
                if (!a.pathPrefix().isEmpty() && !path.startsWith(a.pathPrefix() + "/")) {
                    denied.add(a.host() + "/" + a.pathPrefix() + "/" + path);
                }
            }
        }
        return new RegistryPolicy(allowed, denied);
    }

    /** Build-time policy: the config's {@code allowed_registries} (default: its {@code registry}); nothing denied. */
    public static RegistryPolicy forBuild(EngineConfig config) {
        return of(config.allowedRegistries(), List.of());
    }

    /**
     * Deploy-time policy: the allowed registries, denying the base images in every one of them (base images are
     * built to be built upon, never deployed). A base named without a registry (a distro such as {@code bookworm})
     * is denied by that name under each allowed registry, as is one named with a registry.
     *
     * @param registry the configured registry (kept for callers; {@link #of} denies bases under every allowed one)
     */
    public static RegistryPolicy forDeployment(Collection<String> allowedRegistries, String registry, Collection<String> baseImages) {
        return of(allowedRegistries, baseImages);
    }

    private static boolean hasRegistry(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) return false;
        String head = image.substring(0, slash);
        return head.contains(".") || head.contains(":") || head.equals("localhost");
    }

    /** The repository of a name without a registry, as written ({@code bookworm:1} is {@code bookworm}), lower case. */
    private static String shortRepository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) s = s.substring(0, at);
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) s = s.substring(0, colon);
        return s;
    }

    public List<AllowedRegistry> allowedRegistries() { return allowed; }

    /** Fully qualified repositories ({@code registry/repository}) refused with any tag or digest. */
    public Set<String> deniedRepositories() { return deniedRepositories; }

    /**
     * Checks one reference.
     *
     * @return empty when allowed, else a violation without a location (see {@link Violation#at})
     */
    public Optional<Violation> check(String reference) {
        return denialReason(reference).map(reason -> new Violation(null, 0, String.valueOf(reference), reason));
    }

    /** Why a reference is refused, phrased to follow {@code image 'ref'}; empty when it is allowed. */
    public Optional<String> denialReason(String reference) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid image reference (" + e.getMessage() + ")");
        }
        if (allowed.stream().noneMatch(a -> a.matches(ref))) {
            return Optional.of("is not from an allowed registry: it resolves to '" + ref + "' (registry '" + ref.registry()
                    + "'); allowed: " + allowedList());
        }
        if (deniedRepositories.contains(ref.repositoryName())) {
            return Optional.of("is a base image ('" + ref.repositoryName() + "'); base images are never deployed");
        }
        return Optional.empty();
    }

    /** Whether the reference may be used. */
    public boolean allows(String reference) {
        return denialReason(reference).isEmpty();
    }

    private String allowedList() {
        return allowed.stream().map(AllowedRegistry::toString).reduce((a, b) -> a + ", " + b).orElse("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistryPolicy p && allowed.equals(p.allowed) && deniedRepositories.equals(p.deniedRepositories);
    }

    @Override
    public int hashCode() { return Objects.hash(allowed, deniedRepositories); }

    @Override
    public String toString() { return "RegistryPolicy[allowed=" + allowed + ", denied=" + deniedRepositories + "]"; }
}
