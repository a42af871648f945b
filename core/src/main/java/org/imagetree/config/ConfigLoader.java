package org.imagetree.config;

import org.imagetree.InputError;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads the configuration exactly as docker-pkg does: its defaults, then
 * {@code $XDG_CONFIG_HOME/docker-pkg.yaml} (or {@code ~/.config/docker-pkg.yaml}) when present, then the
 * file given with {@code -c}. Top-level keys replace (no deep merge). When {@code http_proxy} is set and
 * {@code apt_only_proxy} is not, {@code apt_only_proxy} takes its value. Unknown keys are kept (templates
 * may use them).
 */
public final class ConfigLoader {
    /** Environment variables that override {@code username} and {@code password} of the config files. */
    public static final String USERNAME_ENV = "IMAGETREE_REGISTRY_USERNAME";
    public static final String PASSWORD_ENV = "IMAGETREE_REGISTRY_PASSWORD";

    private ConfigLoader() {}

    /** docker-pkg 4.0.4's defaults, in its order. */
    public static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("registry", "");
        d.put("namespace", "");
        d.put("username", null);
        d.put("password", null);
        d.put("http_proxy", null);
        d.put("apt_only_proxy", null);
        d.put("scan_workers", 8);
        d.put("fallback_author", "Author");
        d.put("fallback_email", "email@domain");
        d.put("distribution", "wikimedia");
        d.put("update_id", "s");
        d.put("base_images", List.of());
        d.put("apt_options", "");
        d.put("ca_bundle", null);
        d.put("force_numeric_user", false);
        d.put("known_uid_mappings", Map.of("root", 0, "www-data", 33, "nobody", 65534));
        d.put("verify_command", "/bin/bash");
        d.put("verify_args", List.of("-c", "{path}/test.sh {image}"));
        d.put("driver", "docker");
        return d;
    }

    /**
     * @param configFile the {@code -c} file; must exist when given
     * @param env        the environment (for {@code XDG_CONFIG_HOME} and {@code HOME}, and
     *                   {@value #USERNAME_ENV} / {@value #PASSWORD_ENV}, which override the files' credentials)
     */
    public static EngineConfig load(Optional<Path> configFile, Map<String, String> env) {
        Map<String, Object> merged = defaults();
        List<String> warnings = new ArrayList<>();
        String[] passwordFrom = {null};
        userConfigFile(env).filter(Files::isRegularFile).ifPresent(p -> {
            Map<String, Object> values = readYaml(p, warnings);
            if (values.containsKey("password")) passwordFrom[0] = p.toString();
            merged.putAll(values);
        });
        if (configFile.isPresent()) {
            Path p = configFile.get();
            if (!Files.isRegularFile(p)) {
                throw new InputError(p, 0, "config file does not exist");
            }
            Map<String, Object> values = readYaml(p, warnings);
            if (values.containsKey("password")) passwordFrom[0] = p.toString();
            merged.putAll(values);
        }
        // CI keeps the password out of files: the environment wins over the config files.
        for (Map.Entry<String, String> e : Map.of("username", USERNAME_ENV, "password", PASSWORD_ENV).entrySet()) {
            String v = env.get(e.getValue());
            if (v != null && !v.isEmpty()) {
                merged.put(e.getKey(), v);
                if (e.getKey().equals("password")) passwordFrom[0] = "$" + PASSWORD_ENV;
            }
        }
        // A password too short to mask would leak into logs, or garble them when masked.
        if (merged.get("password") instanceof String pw) {
            Optional<String> tooShort = SecretMask.tooShort("password", pw);
            if (tooShort.isPresent()) throw new InputError(passwordFrom[0], 0, tooShort.get(), null);
        }
        return finish(merged, warnings);
    }

    /** Defaults merged with the given values (no files read); for embedding and tests. */
    public static EngineConfig fromMap(Map<String, ?> values) {
        Map<String, Object> merged = defaults();
        merged.putAll(values);
        return finish(merged, List.of());
    }

    private static EngineConfig finish(Map<String, Object> merged, List<String> warnings) {
        Object proxy = merged.get("http_proxy");
        if (proxy != null && merged.get("apt_only_proxy") == null) {
            merged.put("apt_only_proxy", proxy);
        }
        return new EngineConfig(merged, warnings);
    }

    static Optional<Path> userConfigFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isEmpty()) return Optional.of(Path.of(xdg, "docker-pkg.yaml"));
        String home = env.get("HOME");
        if (home != null && !home.isEmpty()) return Optional.of(Path.of(home, ".config", "docker-pkg.yaml"));
        return Optional.empty();
    }

    /**
     * The keys docker-pkg 4.0.4 and Image Tree read, and {@code seed_image}, which Wikimedia's configs still carry
     * (docker-pkg dropped it in 4.0.0). Any other key is kept for templates, with a warning.
     */
    public static final Set<String> KNOWN_KEYS = Set.copyOf(union(defaults().keySet(), List.of("container_limits",
            "seed_image", "certs_dir", "builder", "insecure_registries", "allowed_registries", "base_distros", "weekly_exclude", "security_sources",
            "pipeline"),
            ReadLimits.KEYS));

    /** Reads a YAML mapping; errors name the file and line. */
    public static Map<String, Object> readYaml(Path file) {
        return readYaml(file, new ArrayList<>());
    }

    /** Reads a YAML mapping, adding a warning for each unknown key to {@code warnings}; errors name the file and line. */
    static Map<String, Object> readYaml(Path file, List<String> warnings) {
        Yaml yaml = new Yaml(new SafeConstructor(StrictYaml.options()));
        Object doc;
        String text;
        try {
            Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(file);
            if (tooBig.isPresent()) throw new InputError(file, 0, tooBig.get().message());
            text = Files.readString(file, StandardCharsets.UTF_8);
            Optional<StrictYaml.Problem> problem = StrictYaml.check(yaml.compose(new java.io.StringReader(text)));
            if (problem.isPresent()) throw new InputError(file, problem.get().line(), problem.get().message());
            doc = yaml.load(text);
        } catch (NoSuchFileException e) {
            throw new InputError(file, 0, "config file does not exist");
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = m == null ? 0 : m.getLine() + 1;
            throw new InputError(file, line, "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new InputError(file, 0, "invalid YAML: " + e.getMessage());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputError(file, 0, "config file is not valid UTF-8");
        } catch (IOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getMessage());
        }
        if (doc == null) return Map.of();
        if (!(doc instanceof Map<?, ?> m)) {
            throw new InputError(file, 1, "expected a mapping of configuration keys, found " + describe(doc));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        Lines lines = new Lines(file, yaml.compose(new java.io.StringReader(text)));
        validateTypes(lines, out);
        validateValues(lines, out);
        for (String key : out.keySet()) {
            if (KNOWN_KEYS.contains(key)) continue;
            int line = lines.line(key, -1);
            warnings.add((line > 0 ? file + ":" + line : file.toString()) + ": unknown key '" + key + "' (did you mean '"
                    + closest(key) + "'?); it is kept for templates");
        }
        return out;
    }

    /** The known key nearest to {@code key} by edit distance (ties: alphabetical). */
    static String closest(String key) {
        return ClosestKey.closest(key, KNOWN_KEYS);
    }

    private static List<String> union(java.util.Collection<String> a, List<String> b, List<String> c) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        out.addAll(c);
        return out;
    }

    /** Errors at the line of a key or list item: {@code file:line: key[index]: problem}. */
    private record Lines(Path file, Node root) {
        InputError error(String key, int index, String problem) {
            String path = index < 0 ? key : key + "[" + index + "]";
            return new InputError(file, line(key, index), path + ": " + problem);
        }

        int line(String key, int index) {
            if (!(root instanceof MappingNode map)) return 0;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    Node v = t.getValueNode();
                    if (index >= 0 && v instanceof SequenceNode seq && index < seq.getValue().size()) v = seq.getValue().get(index);
                    else if (index >= 0 || v.getStartMark() == null) v = t.getKeyNode();
                    return v.getStartMark() == null ? 0 : v.getStartMark().getLine() + 1;
                }
            }
            return 0;
        }
    }

    private static void validateTypes(Lines lines, Map<String, Object> m) {
        for (String k : List.of("registry", "namespace", "apt_options", "verify_command", "distribution", "update_id",
                "username", "password", "http_proxy", "apt_only_proxy", "ca_bundle", "certs_dir", "container_limits", "builder")) {
            Object v = m.get(k);
            if (v != null && !(v instanceof String)) {
                // never echo a value that may be a secret
                throw lines.error(k, -1, "must be a string, not " + (EngineConfig.SECRET_KEYS.contains(k) ? kind(v) : describe(v)));
            }
        }
        for (String k : List.of("base_images", "verify_args", "insecure_registries", "allowed_registries", "base_distros", "weekly_exclude", "security_sources")) {
            Object v = m.get(k);
            if (v == null) continue;
            if (!(v instanceof List<?> list)) throw lines.error(k, -1, "must be a list, not " + describe(v));
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String)) throw lines.error(k, i, "must be a string, not " + describe(list.get(i)));
            }
        }
        for (String k : List.of("force_numeric_user")) {
            Object v = m.get(k);
            if (v != null && !(v instanceof Boolean)) throw lines.error(k, -1, "must be true or false, not " + describe(v));
        }
        Object workers = m.get("scan_workers");
        if (workers != null && !(workers instanceof Integer n && n >= 1)) {
            throw lines.error("scan_workers", -1, "must be a whole number of at least 1, not " + describe(workers));
        }
        Object uids = m.get("known_uid_mappings");
        if (uids != null) {
            if (!(uids instanceof Map<?, ?> um)) throw lines.error("known_uid_mappings", -1, "must be a mapping of user name to uid, not " + describe(uids));
            for (Map.Entry<?, ?> e : um.entrySet()) {
                if (!(e.getValue() instanceof Integer)) {
                    throw lines.error("known_uid_mappings", -1, "uid of user '" + e.getKey() + "' must be an integer, not " + describe(e.getValue()));
                }
            }
        }
    }

    /** References, hosts and limits are checked here, so a typo fails before anything is built. */
    private static void validateValues(Lines lines, Map<String, Object> m) {
        if (m.get("registry") instanceof String r && !r.isEmpty()) {
            try {
                org.imagetree.policy.AllowedRegistry a = org.imagetree.policy.AllowedRegistry.parse(r);
                if (!a.pathPrefix().isEmpty() || r.contains("://")) {
                    throw lines.error("registry", -1, "'" + r + "' must be a registry host[:port] (use 'namespace' for a path)");
                }
            } catch (IllegalArgumentException e) {
                throw lines.error("registry", -1, "'" + r + "' is not a registry host[:port]");
            }
        }
        if (m.get("namespace") instanceof String ns && !ns.isEmpty()) {
            try {
                org.imagetree.model.ImageReference.parse("localhost/" + ns + "/image:tag");
            } catch (IllegalArgumentException e) {
                throw lines.error("namespace", -1, "'" + ns + "' is not a repository path: lowercase letters and digits,"
                        + " separated by '.', '_', '__' or '-', in components joined by '/'");
            }
        }
        if (m.get("base_images") instanceof List<?> bases) {
            for (int i = 0; i < bases.size(); i++) {
                try {
                    org.imagetree.model.ImageReference.parse((String) bases.get(i));
                } catch (IllegalArgumentException e) {
                    throw lines.error("base_images", i, e.getMessage());
                }
            }
        }
        for (String k : List.of("allowed_registries", "insecure_registries")) {
            if (!(m.get(k) instanceof List<?> hosts)) continue;
            for (int i = 0; i < hosts.size(); i++) {
                try {
                    org.imagetree.policy.AllowedRegistry.parse((String) hosts.get(i));
                } catch (IllegalArgumentException e) {
                    throw lines.error(k, i, e.getMessage().replace("allowed registry '", "'"));
                }
            }
        }
        if (m.get("security_sources") instanceof List<?> sources) {
            for (int i = 0; i < sources.size(); i++) {
                try {
                    org.imagetree.security.AptSource.parse((String) sources.get(i));
                } catch (IllegalArgumentException e) {
                    throw lines.error("security_sources", i, e.getMessage());
                }
            }
        }
        for (String k : ReadLimits.KEYS) {
            Object v = m.get(k);
            if (v == null) continue;
            try {
                if (k.endsWith("_timeout")) ReadLimits.parseDuration(v);
                else ReadLimits.parseSize(v);
            } catch (IllegalArgumentException e) {
                throw lines.error(k, -1, e.getMessage());
            }
        }
        if (m.get("builder") instanceof String b && !b.isEmpty() && !b.equals("classic") && !b.equals("buildkit")) {
            throw lines.error("builder", -1, "must be classic or buildkit, not '" + b + "'");
        }
        if (m.get("container_limits") instanceof String limits && !limits.isEmpty()) {
            try {
                org.imagetree.execute.ContainerEngine.ResourceLimits.parse(limits);
            } catch (IllegalArgumentException e) {
                throw lines.error("container_limits", -1, e.getMessage());
            }
        }
    }

    private static String kind(Object v) {
        if (v instanceof Number) return "a number";
        if (v instanceof Boolean) return "a boolean";
        return describe(v);
    }

    private static String describe(Object v) {
        if (v instanceof Map<?, ?>) return "a mapping";
        if (v instanceof List<?>) return "a list";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean b) return b.toString();
        if (v instanceof Number n) return n.toString();
        return v.getClass().getSimpleName();
    }
}
