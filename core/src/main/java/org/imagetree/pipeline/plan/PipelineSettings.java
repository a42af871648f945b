package org.imagetree.pipeline.plan;

import org.imagetree.InputError;
import org.imagetree.config.ClosestKey;
import org.imagetree.config.EngineConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What PipelineLib's {@code PipelineRunner} is configured with, from the engine config: the registry and namespace
 * images are published to ({@code registry}, {@code namespace}: PipelineLib's {@code registry} and
 * {@code repository}), and the {@code pipeline:} section:
 * <pre>
 * pipeline:
 *   helm: /usr/bin/helm3                 # deploy: the helm executable (none: deploy is refused before a run)
 *   kube_config: /etc/kubernetes/ci.config   # deploy: KUBECONFIG for helm (none: deploy is refused)
 *   helm_namespace: ci                   # deploy: --namespace
 *   chart_repository: https://helm-charts.wikimedia.org/stable/
 *   helm_timeout: 120                    # deploy: seconds, when the stage gives no timeout
 *   pull_policy: IfNotPresent            # deploy: docker.pull_policy of the values
 *   charts_checkout: /srv/deployment-charts  # promote: a Git checkout of the deployment-charts repository
 *   charts_environments: [staging, codfw, eqiad]  # promote: update_version.py's VALID_ENVS
 *   review_command: [git, push, origin, 'HEAD:refs/for/master%topic=pipeline-promote']  # promote: sends the commit
 *   committer: {name: PipelineBot, email: pipelinebot@example.org}
 *   credentials: {sonarid: SONAR_TOKEN}  # command line: run.credentials id → environment variable holding the secret
 * </pre>
 * Immutable.
 */
public record PipelineSettings(String registry, String namespace, Optional<String> httpProxy, Optional<String> helm,
                               Optional<String> kubeConfig, String helmNamespace, String chartRepository, long helmTimeout,
                               String pullPolicy, Optional<Path> chartsCheckout, List<String> chartEnvironments,
                               List<String> reviewCommand, String committerName, String committerEmail,
                               Map<String, String> credentials) {
    public static final Set<String> KEYS = Set.of("helm", "kube_config", "helm_namespace", "chart_repository", "helm_timeout",
            "pull_policy", "charts_checkout", "charts_environments", "review_command", "committer", "credentials");

    public PipelineSettings {
        chartEnvironments = List.copyOf(chartEnvironments);
        reviewCommand = List.copyOf(reviewCommand);
        credentials = Map.copyOf(credentials);
    }

    /** No engine config: nothing to publish to, no helm, no charts. */
    public static PipelineSettings none() {
        return new PipelineSettings("", "", Optional.empty(), Optional.empty(), Optional.empty(), "ci",
                "https://helm-charts.wikimedia.org/stable/", 120, "IfNotPresent", Optional.empty(),
                List.of("staging", "codfw", "eqiad"), List.of(), "PipelineBot", "pipelinebot@imagetree.invalid", Map.of());
    }

    /**
     * The settings of {@code config}.
     *
     * @throws InputError naming the key of a value of the wrong type
     */
    public static PipelineSettings from(EngineConfig config) {
        PipelineSettings d = none();
        Object section = config.get("pipeline");
        Map<?, ?> m = section instanceof Map<?, ?> map ? map : Map.of();
        if (section != null && !(section instanceof Map)) throw new InputError("config: pipeline: must be a mapping");
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new InputError("config: pipeline: unknown key '" + k + "' (did you mean '" + ClosestKey.closest(String.valueOf(k), KEYS) + "'?)");
            }
        }
        Map<String, String> committer = stringMap(m, "committer");
        return new PipelineSettings(config.registry(), config.namespace(), config.httpProxy(),
                string(m, "helm"), string(m, "kube_config"),
                string(m, "helm_namespace").orElse(d.helmNamespace()),
                string(m, "chart_repository").orElse(d.chartRepository()),
                number(m, "helm_timeout").orElse(d.helmTimeout()),
                string(m, "pull_policy").orElse(d.pullPolicy()),
                string(m, "charts_checkout").map(Path::of),
                m.containsKey("charts_environments") ? stringList(m, "charts_environments") : d.chartEnvironments(),
                m.containsKey("review_command") ? command(m, "review_command") : List.of(),
                committer.getOrDefault("name", d.committerName()), committer.getOrDefault("email", d.committerEmail()),
                stringMap(m, "credentials"));
    }

    /** {@code <registry>/<namespace>/<name>}, without empty parts (PipelineRunner's {@code qualifyRegistryPath}). */
    public String qualify(String name) {
        List<String> parts = new ArrayList<>();
        if (!registry.isEmpty()) parts.add(registry);
        if (!namespace.isEmpty()) parts.add(namespace);
        parts.add(name);
        return String.join("/", parts);
    }

    private static Optional<String> string(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return Optional.empty();
        if (!(v instanceof String s)) throw new InputError("config: pipeline." + key + ": must be a string");
        return Optional.of(s).filter(x -> !x.isEmpty());
    }

    private static Optional<Long> number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return Optional.empty();
        if (!(v instanceof Number n) || n.longValue() <= 0) throw new InputError("config: pipeline." + key + ": must be a positive number of seconds");
        return Optional.of(n.longValue());
    }

    private static List<String> stringList(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l) || !l.stream().allMatch(i -> i instanceof String)) {
            throw new InputError("config: pipeline." + key + ": must be a list of strings");
        }
        return l.stream().map(String::valueOf).toList();
    }

    private static List<String> command(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v instanceof String s) return List.of("/bin/sh", "-c", s);
        return stringList(m, key);
    }

    private static Map<String, String> stringMap(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> map) || !map.values().stream().allMatch(i -> i instanceof String)) {
            throw new InputError("config: pipeline." + key + ": must be a mapping of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, val) -> out.put(String.valueOf(k), (String) val));
        return out;
    }
}
