package org.imagetree.blubber.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A config as a plain tree of maps, lists and scalars keyed by the YAML names (for policy paths). */
public final class ConfigTree {
    private ConfigTree() {}

    /** The root with its variants: expanded ones for the stages of {@code expansion}, raw ones otherwise. */
    public static Map<String, Object> of(Expansion expansion) {
        BlubberConfig config = expansion.config();
        Map<String, Object> root = common(config.root());
        root.put("version", config.version());
        Map<String, Object> variants = new LinkedHashMap<>();
        config.variants().forEach((name, raw) -> {
            Variant v = expansion.stage(name) != null ? expansion.stage(name) : raw;
            Map<String, Object> m = common(v.common());
            m.put("includes", raw.includes());
            m.put("copies", v.copies().stream().map(ConfigTree::artifact).toList());
            variants.put(name, m);
        });
        root.put("variants", variants);
        return root;
    }

    static Map<String, Object> common(CommonConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", c.base());
        m.put("arguments", c.arguments());
        Map<String, Object> apt = new LinkedHashMap<>();
        apt.put("packages", c.apt().packages());
        apt.put("sources", c.apt().sources().stream().map(s -> Map.of("url", s.url(), "distribution", s.distribution(),
                "components", s.components(), "signed-by", s.signedBy())).toList());
        apt.put("proxies", c.apt().proxies().stream().map(p -> Map.of("url", p.url(), "source", p.source())).toList());
        m.put("apt", apt);
        List<Object> builders = new ArrayList<>();
        for (Builder b : c.buildersOrEmpty()) builders.add(Map.of(b.type(), builder(b)));
        m.put("builders", builders);
        if (c.node() != null) m.put("node", builder(c.node()));
        if (c.php() != null) m.put("php", builder(c.php()));
        if (c.python() != null) m.put("python", builder(c.python()));
        if (c.builder() != null) m.put("builder", builder(c.builder()));
        Map<String, Object> lives = new LinkedHashMap<>();
        lives.put("in", c.lives().in());
        lives.put("as", c.lives().as());
        lives.put("uid", c.lives().uidOrZero());
        lives.put("gid", c.lives().gidOrZero());
        m.put("lives", lives);
        Map<String, Object> runs = new LinkedHashMap<>();
        runs.put("as", c.runs().as());
        runs.put("uid", c.runs().uidOrZero());
        runs.put("gid", c.runs().gidOrZero());
        runs.put("environment", c.runs().environment());
        runs.put("in", c.runs().in());
        runs.put("insecurely", c.runs().isInsecure());
        m.put("runs", runs);
        m.put("entrypoint", c.entrypoint() == null ? List.of() : c.entrypoint());
        return m;
    }

    private static Map<String, Object> artifact(Artifact a) {
        return Map.of("from", a.from(), "source", a.source(), "destination", a.destination(), "exclude", a.exclude());
    }

    private static Map<String, Object> builder(Builder b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requirements", b.requirements() == null ? List.of()
                : b.requirements().stream().map(ConfigTree::artifact).toList());
        if (b instanceof NodeBuilder n) {
            m.put("env", n.env());
            m.put("use-npm-ci", Boolean.TRUE.equals(n.useNpmCi()));
            m.put("allow-dedupe-failure", Boolean.TRUE.equals(n.allowDedupeFailure()));
        } else if (b instanceof PhpBuilder p) {
            m.put("production", Boolean.TRUE.equals(p.production()));
        } else if (b instanceof PythonBuilder p) {
            m.put("version", p.version());
            m.put("use-system-site-packages", Boolean.TRUE.equals(p.useSystemSitePackages()));
            m.put("no-deps", Boolean.TRUE.equals(p.noDeps()));
            m.put("venv", p.venv());
            m.put("pip-version", p.pipVersion());
            m.put("setuptools-version", p.setuptoolsVersion());
            m.put("tox-version", p.toxVersion());
            m.put("wheel-version", p.wheelVersion());
            m.put("poetry", Map.of("version", p.poetry().version(), "devel", Boolean.TRUE.equals(p.poetry().devel()),
                    "only", p.poetry().only(), "without", p.poetry().without()));
        } else if (b instanceof CustomBuilder cb) {
            if (cb.command() != null) m.put("command", cb.command().isShell() ? cb.command().shell() : cb.command().argv());
            m.put("script", cb.script());
        }
        return m;
    }
}
