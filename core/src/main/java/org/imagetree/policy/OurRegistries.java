package org.imagetree.policy;

import org.imagetree.config.EngineConfig;
import org.imagetree.model.ImageReference;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The registries a command may contact: those the configuration names — {@code registry}, the hosts of
 * {@code allowed_registries} and {@code insecure_registries} (an entry without a port stands for every port of its
 * host, as for plain HTTP). Nothing else, loopback included: a reference that an image, a label or a pod list names
 * on another host is "not ours" and never fetched, so an image's author cannot make the CI host open connections of
 * their choosing. Immutable.
 */
public final class OurRegistries implements Predicate<String> {
    private final Set<String> hosts;
    private final Set<String> anyPort;

    private OurRegistries(Set<String> hosts, Set<String> anyPort) {
        this.hosts = Set.copyOf(hosts);
        this.anyPort = Set.copyOf(anyPort);
    }

    public static OurRegistries of(EngineConfig config) {
        Set<String> hosts = new TreeSet<>();
        Set<String> anyPort = new TreeSet<>();
        if (!config.registry().isEmpty()) add(hosts, config.registry());
        for (String a : config.allowedRegistries()) add(hosts, a);
        for (String a : config.insecureRegistries()) {
            String host = add(hosts, a);
            if (host != null && !host.contains(":")) anyPort.add(host);
        }
        return new OurRegistries(hosts, anyPort);
    }

    /** Exactly these hosts ({@code host[:port]}). */
    public static OurRegistries of(Collection<String> hosts) {
        return new OurRegistries(new TreeSet<>(hosts), Set.of());
    }

    private static String add(Set<String> hosts, String entry) {
        try {
            String host = AllowedRegistry.parse(entry).host();
            hosts.add(host);
            return host;
        } catch (IllegalArgumentException e) {
            return null; // validated when the config was read
        }
    }

    /** Whether {@code registry} ({@code host[:port]} as in a parsed reference) is one of ours. */
    @Override
    public boolean test(String registry) {
        if (hosts.contains(registry)) return true;
        int colon = registry.lastIndexOf(':');
        return colon > 0 && !registry.endsWith("]") && anyPort.contains(registry.substring(0, colon));
    }

    /** Whether {@code reference} parses and names one of ours. */
    public boolean contains(String reference) {
        try {
            return test(ImageReference.parse(reference).registry());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean isEmpty() { return hosts.isEmpty(); }

    /** Why a reference on another registry is not read: {@code "not ours: … names none of the registries …"}. */
    public String notOurs(String registry) {
        return "not ours: " + registry + " is none of the registries the config names ("
                + (hosts.isEmpty() ? "it names none: set registry or allowed_registries" : String.join(", ", hosts))
                + "), so it is not contacted";
    }

    @Override
    public String toString() { return "OurRegistries" + hosts; }
}
