package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code apt}: packages per target release ({@code default} = no {@code -t}), sources and proxies. */
public record AptConfig(Map<String, List<String>> packages, List<AptSource> sources, List<AptProxy> proxies) {
    public static final String DEFAULT_RELEASE = "default";
    public static final AptConfig EMPTY = new AptConfig(Map.of(), List.of(), List.of());

    public AptConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (packages != null) packages.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        packages = Collections.unmodifiableMap(copy);
        sources = sources == null ? List.of() : List.copyOf(sources);
        proxies = proxies == null ? List.of() : List.copyOf(proxies);
    }

    public boolean isEmpty() {
        return packages.values().stream().allMatch(List::isEmpty) && sources.isEmpty() && proxies.isEmpty();
    }

    public boolean hasPackages() { return packages.values().stream().anyMatch(l -> !l.isEmpty()); }

    /** Lists and per-release package lists are appended, parent first. */
    public AptConfig merge(AptConfig next) {
        if (next == null) return this;
        Map<String, List<String>> pk = new LinkedHashMap<>();
        packages.forEach((k, v) -> pk.put(k, new ArrayList<>(v)));
        next.packages.forEach((k, v) -> pk.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        List<AptSource> src = new ArrayList<>(sources);
        src.addAll(next.sources);
        List<AptProxy> px = new ArrayList<>(proxies);
        px.addAll(next.proxies);
        return new AptConfig(pk, src, px);
    }
}
