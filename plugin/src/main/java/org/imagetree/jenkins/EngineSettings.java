package org.imagetree.jenkins;

import hudson.util.Secret;
import org.imagetree.config.ConfigLoader;
import org.imagetree.InputError;
import org.imagetree.config.EngineConfig;
import org.imagetree.policy.AllowedRegistry;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the engine needs on the agent, in serializable form: the image directory and config file (both
 * relative to the workspace), the registry and its credentials (resolved on the controller, the password kept as a
 * {@link Secret}), the global defaults and the build's environment. The engine's {@link EngineConfig} is built on
 * the agent by {@link #config(File)}, never on the controller.
 */
public final class EngineSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String directory;
    private final String configFile;
    private final String registry;
    private final String username;
    private final Secret password;
    private final ArrayList<String> defaultAllowedRegistries;
    private final HashMap<String, String> env;

    /**
     * @param directory                image definitions, relative to the workspace (or absolute)
     * @param configFile               configuration file relative to the workspace, or null for docker-pkg's defaults
     * @param registry                 registry host[:port] overriding the config's {@code registry}, or null
     * @param username                 registry user, or null
     * @param password                 registry password, or null
     * @param defaultAllowedRegistries the administrator's: used when the config sets no {@code allowed_registries},
     *                                 and a ceiling the config's may narrow but not widen
     * @param env                      the build's environment (HOME, PATH, DOCKER_HOST, DEBFULLNAME, ...)
     */
    public EngineSettings(String directory, String configFile, String registry, String username, Secret password,
                          List<String> defaultAllowedRegistries, Map<String, String> env) {
        this.directory = directory == null || directory.isBlank() ? "." : directory;
        this.configFile = configFile == null || configFile.isBlank() ? null : configFile;
        this.registry = registry == null || registry.isBlank() ? null : registry;
        this.username = username;
        this.password = password;
        this.defaultAllowedRegistries = new ArrayList<>(defaultAllowedRegistries);
        this.env = new HashMap<>(env);
    }

    public String directory() { return directory; }

    public Map<String, String> env() { return Map.copyOf(env); }

    /** The secrets to mask in anything printed (the registry password). */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        if (password != null && !password.getPlainText().isEmpty()) out.add(password.getPlainText());
        return out;
    }

    /** The image directory on the agent. */
    public Path imageDirectory(File workspace) {
        return workspace.toPath().resolve(directory).normalize();
    }

    /** The engine configuration, read on the agent: the config file, then the step's registry and credentials. */
    public EngineConfig config(File workspace) {
        Optional<Path> file = Optional.ofNullable(configFile).map(f -> workspace.toPath().resolve(f).normalize());
        EngineConfig loaded = ConfigLoader.load(file, env);
        Map<String, Object> values = new LinkedHashMap<>(loaded.values());
        if (registry != null) values.put("registry", registry);
        if (username != null && password != null) {
            // Any length: a short password is masked all the same (SecretMasker), with a warning in the console.
            values.put("username", username);
            values.put("password", password.getPlainText());
        }
        if (!defaultAllowedRegistries.isEmpty()) {
            if (!values.containsKey("allowed_registries")) {
                values.put("allowed_registries", List.copyOf(defaultAllowedRegistries));
            } else {
                checkWithinCeiling(file.orElse(null), loaded.allowedRegistries());
            }
        }
        return new EngineConfig(ConfigLoader.fromMap(values).values(), loaded.warnings());
    }

    /**
     * The administrator's allowed registries are a ceiling: a config file may narrow them (a subset, or a path below
     * an allowed one) but not widen them.
     *
     * @throws InputError naming the config file and the line of {@code allowed_registries}
     */
    private void checkWithinCeiling(Path file, List<String> configured) {
        List<AllowedRegistry> ceiling = defaultAllowedRegistries.stream().map(AllowedRegistry::parse).toList();
        for (String entry : configured) {
            AllowedRegistry e;
            try {
                e = AllowedRegistry.parse(entry);
            } catch (IllegalArgumentException x) {
                throw new InputError(configFile, lineOf(file, "allowed_registries"), x.getMessage(), x);
            }
            if (ceiling.stream().noneMatch(c -> within(e, c))) {
                throw new InputError(configFile, lineOf(file, "allowed_registries"), "allowed_registries entry '" + entry
                        + "' is outside the registries the Jenkins administrator allows (" + String.join(", ", defaultAllowedRegistries)
                        + "); a config file can only narrow them", null);
            }
        }
    }

    /** Whether {@code inner} admits nothing {@code outer} does not: same host, and a path at or below outer's. */
    static boolean within(AllowedRegistry inner, AllowedRegistry outer) {
        if (!inner.host().equals(outer.host())) return false;
        if (outer.pathPrefix().isEmpty()) return true;
        return inner.pathPrefix().equals(outer.pathPrefix()) || inner.pathPrefix().startsWith(outer.pathPrefix() + "/");
    }

    /** The 1-based line where a top-level key starts in a YAML file, or 0 when it cannot be told. */
    private static int lineOf(Path file, String key) {
        if (file == null) return 0;
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(key + ":")) return i + 1;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** {@code https://registry.example.org/} or {@code registry.example.org:5000} → {@code host[:port]}. */
    public static String registryHost(String url) {
        if (url == null || url.isBlank()) return null;
        String s = url.trim();
        int scheme = s.indexOf("://");
        if (scheme >= 0) s = s.substring(scheme + 3);
        int slash = s.indexOf('/');
        if (slash >= 0) s = s.substring(0, slash);
        return s.isEmpty() ? null : s;
    }
}
