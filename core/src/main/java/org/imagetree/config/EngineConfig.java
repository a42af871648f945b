package org.imagetree.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The merged docker-pkg configuration (defaults, user file, {@code -c FILE}), immutable.
 * Typed accessors for the keys the engine uses; {@link #templateContext()} for templates, which
 * deliberately omits the credentials ({@code username}, {@code password}).
 *
 * <p>Keys with a null value are kept (Jinja2 treats them as defined but false).
 */
public final class EngineConfig {
    /** Keys never exposed to templates. */
    public static final List<String> SECRET_KEYS = List.of("username", "password");

    private final Map<String, Object> values;
    private final List<String> warnings;

    public EngineConfig(Map<String, Object> values) {
        this(values, List.of());
    }

    /** @param warnings problems found while reading the files that do not stop anything (an unknown key) */
    public EngineConfig(Map<String, Object> values, List<String> warnings) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values)));
        this.warnings = List.copyOf(warnings);
    }

    /** Warnings from reading the configuration files, each {@code file:line: message}. */
    public List<String> warnings() { return warnings; }

    /** Every key, as merged (including credentials). */
    public Map<String, Object> values() { return values; }

    /** The render context: every key except the credentials. */
    public Map<String, Object> templateContext() {
        Map<String, Object> ctx = new LinkedHashMap<>(values);
        SECRET_KEYS.forEach(ctx::remove);
        return Collections.unmodifiableMap(ctx);
    }

    public Object get(String key) { return values.get(key); }

    public String string(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    /** Registry host (with optional port), "" when none. */
    public String registry() { return Optional.ofNullable(string("registry")).orElse(""); }
    public String namespace() { return Optional.ofNullable(string("namespace")).orElse(""); }
    public Optional<String> username() { return Optional.ofNullable(string("username")).filter(s -> !s.isEmpty()); }
    public Optional<String> password() { return Optional.ofNullable(string("password")).filter(s -> !s.isEmpty()); }
    public boolean hasCredentials() { return username().isPresent() && password().isPresent(); }

    @SuppressWarnings("unchecked")
    public List<String> baseImages() { return stringList("base_images"); }
    public String aptOptions() { return Optional.ofNullable(string("apt_options")).orElse(""); }
    public Optional<String> httpProxy() { return Optional.ofNullable(string("http_proxy")).filter(s -> !s.isEmpty()); }
    public Optional<String> aptOnlyProxy() { return Optional.ofNullable(string("apt_only_proxy")).filter(s -> !s.isEmpty()); }
    public String distribution() { return Optional.ofNullable(string("distribution")).orElse("wikimedia"); }
    public String updateId() { return Optional.ofNullable(string("update_id")).orElse("s"); }
    public String fallbackAuthor() { return Optional.ofNullable(string("fallback_author")).orElse("Author"); }
    public String fallbackEmail() { return Optional.ofNullable(string("fallback_email")).orElse("email@domain"); }
    public boolean forceNumericUser() { return Boolean.TRUE.equals(values.get("force_numeric_user")); }
    public Optional<String> caBundle() { return Optional.ofNullable(string("ca_bundle")).filter(s -> !s.isEmpty()); }
    /** Docker-style per-registry CA certificates ({@code <dir>/<host:port>/*.crt}); empty: Docker's own directory. */
    public Optional<String> certsDirectory() { return Optional.ofNullable(string("certs_dir")).filter(s -> !s.isEmpty()); }
    public String verifyCommand() { return Optional.ofNullable(string("verify_command")).orElse("/bin/bash"); }
    public List<String> verifyArgs() { return stringList("verify_args"); }
    public Optional<String> containerLimits() { return Optional.ofNullable(string("container_limits")).filter(s -> !s.isEmpty()); }

    /** How production images are built: {@code classic} (the Engine API's builder, default) or {@code buildkit}. */
    public String builder() { return Optional.ofNullable(string("builder")).filter(x -> !x.isEmpty()).orElse("classic"); }

    /** Registries reached over plain HTTP (besides loopback ones, which always may be). */
    /**
     * {@code security_sources}: one-line APT sources whose Packages indexes a security scan compares images with;
     * default: the Debian mirror's SUITE and SUITE-updates and the security archive ({@link org.imagetree.security.AptSource#debianDefaults()}).
     */
    public List<org.imagetree.security.AptSource> securitySources() {
        List<String> lines = stringList("security_sources");
        if (!values.containsKey("security_sources")) return org.imagetree.security.AptSource.debianDefaults();
        return lines.stream().map(org.imagetree.security.AptSource::parse).toList();
    }

    public List<String> insecureRegistries() { return stringList("insecure_registries"); }

    /** Bounds on what is read from registries, images, APT sources and pod lists ({@code max_layer_bytes}, …). */
    public ReadLimits readLimits() { return ReadLimits.of(this); }

    /** Registries images may come from (issue: registry policy); default: the configured registry. */
    public List<String> allowedRegistries() {
        List<String> l = stringList("allowed_registries");
        if (!l.isEmpty()) return l;
        return registry().isEmpty() ? List.of() : List.of(registry());
    }

    public Map<String, Integer> knownUidMappings() {
        Object v = values.get("known_uid_mappings");
        Map<String, Integer> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, val) -> out.put(String.valueOf(k), val instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(val))));
        }
        return Collections.unmodifiableMap(out);
    }

    private List<String> stringList(String key) {
        Object v = values.get(key);
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        return List.of();
    }

    @Override
    public String toString() {
        // Never print credentials.
        return "EngineConfig" + templateContext();
    }
}
