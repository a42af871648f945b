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
     * @param deniedImages      image references whose repository is refused with any tag or digest
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
            try {
                denied.add(ImageReference.parse(image.trim()).repositoryName());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("denied image '" + image + "': " + e.getMessage(), e);
            }
        }
        return new RegistryPolicy(allowed, denied);
    }

    /** Build-time policy: the config's {@code allowed_registries} (default: its {@code registry}); nothing denied. */
    public static RegistryPolicy forBuild(EngineConfig config) {
        return of(config.allowedRegistries(), List.of());
    }

    /**
     * Deploy-time policy: the allowed registries, denying the base images. Base images named without a registry
     * (a distro such as {@code bookworm}) are taken to live in {@code registry}.
     */
    public static RegistryPolicy forDeployment(Collection<String> allowedRegistries, String registry, Collection<String> baseImages) {
        List<String> denied = new ArrayList<>();
        for (String image : baseImages) {
            String trimmed = image.trim();
            denied.add(registry != null && !registry.isEmpty() && !hasRegistry(trimmed) ? registry + "/" + trimmed : trimmed);
        }
        return of(allowedRegistries, denied);
    }

    private static boolean hasRegistry(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) return false;
        String head = image.substring(0, slash);
        return head.contains(".") || head.contains(":") || head.equals("localhost");
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
