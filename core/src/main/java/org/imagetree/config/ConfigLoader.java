package org.imagetree.config;

import org.imagetree.InputError;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the configuration exactly as docker-pkg does: its defaults, then
 * {@code $XDG_CONFIG_HOME/docker-pkg.yaml} (or {@code ~/.config/docker-pkg.yaml}) when present, then the
 * file given with {@code -c}. Top-level keys replace (no deep merge). When {@code http_proxy} is set and
 * {@code apt_only_proxy} is not, {@code apt_only_proxy} takes its value. Unknown keys are kept (templates
 * may use them).
 */
public final class ConfigLoader {
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
     * @param env        the environment (for {@code XDG_CONFIG_HOME} and {@code HOME})
     */
    public static EngineConfig load(Optional<Path> configFile, Map<String, String> env) {
        Map<String, Object> merged = defaults();
        userConfigFile(env).filter(Files::isRegularFile).ifPresent(p -> merged.putAll(readYaml(p)));
        if (configFile.isPresent()) {
            Path p = configFile.get();
            if (!Files.isRegularFile(p)) {
                throw new InputError(p, 0, "config file does not exist");
            }
            merged.putAll(readYaml(p));
        }
        return finish(merged);
    }

    /** Defaults merged with the given values (no files read); for embedding and tests. */
    public static EngineConfig fromMap(Map<String, ?> values) {
        Map<String, Object> merged = defaults();
        merged.putAll(values);
        return finish(merged);
    }

    private static EngineConfig finish(Map<String, Object> merged) {
        Object proxy = merged.get("http_proxy");
        if (proxy != null && merged.get("apt_only_proxy") == null) {
            merged.put("apt_only_proxy", proxy);
        }
        return new EngineConfig(merged);
    }

    static Optional<Path> userConfigFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isEmpty()) return Optional.of(Path.of(xdg, "docker-pkg.yaml"));
        String home = env.get("HOME");
        if (home != null && !home.isEmpty()) return Optional.of(Path.of(home, ".config", "docker-pkg.yaml"));
        return Optional.empty();
    }

    /** Reads a YAML mapping; errors name the file and line. */
    public static Map<String, Object> readYaml(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = yaml.load(r);
        } catch (NoSuchFileException e) {
            throw new InputError(file, 0, "config file does not exist");
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = m == null ? 0 : m.getLine() + 1;
            throw new InputError(file, line, "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new InputError(file, 0, "invalid YAML: " + e.getMessage());
        } catch (IOException e) {
            throw new InputError(file, 0, "cannot read: " + e.getMessage());
        }
        if (doc == null) return Map.of();
        if (!(doc instanceof Map<?, ?> m)) {
            throw new InputError(file, 1, "expected a mapping of configuration keys, found " + doc.getClass().getSimpleName());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        validateTypes(file, out);
        return out;
    }

    private static void validateTypes(Path file, Map<String, Object> m) {
        for (String k : List.of("registry", "namespace", "apt_options", "verify_command", "distribution", "update_id")) {
            Object v = m.get(k);
            if (v != null && !(v instanceof String)) {
                throw new InputError(file, 0, "key '" + k + "' must be a string");
            }
        }
        for (String k : List.of("base_images", "verify_args", "insecure_registries", "allowed_registries", "base_distros", "weekly_exclude")) {
            Object v = m.get(k);
            if (v != null && !(v instanceof List<?>)) throw new InputError(file, 0, "key '" + k + "' must be a list");
        }
        Object uids = m.get("known_uid_mappings");
        if (uids != null) {
            if (!(uids instanceof Map<?, ?> um)) throw new InputError(file, 0, "key 'known_uid_mappings' must be a mapping of user name to uid");
            for (Map.Entry<?, ?> e : um.entrySet()) {
                if (!(e.getValue() instanceof Integer)) {
                    throw new InputError(file, 0, "known_uid_mappings: uid of user '" + e.getKey() + "' must be an integer");
                }
            }
        }
    }
}
