package org.imagetree.blubber.config;

import org.imagetree.config.StrictYaml;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strict decoding of a blubber.yaml (v4) into {@link BlubberConfig}: version check first, then the built-in
 * defaults, then every key; an unknown key is an error naming its YAML path and line. Keys match exactly
 * (Blubber's Go decoder also accepts other letter cases). Decoding does not validate values:
 * {@link ConfigValidator} does.
 */
public final class ConfigDecoder {
    private static final Set<String> COMMON_KEYS = Set.of("base", "arguments", "apt", "builder", "builders", "node",
            "php", "python", "lives", "runs", "entrypoint");
    private static final Set<String> ROOT_KEYS = union(COMMON_KEYS, Set.of("version", "variants"));
    private static final Set<String> VARIANT_KEYS = union(COMMON_KEYS, Set.of("includes", "copies"));

    private ConfigDecoder() {}

    public static BlubberConfig read(Path file) {
        try {
            Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(file);
            if (tooBig.isPresent()) throw new BlubberError(BlubberError.Kind.READ, file.toString(), 0, tooBig.get().message());
            return decode(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BlubberError(BlubberError.Kind.READ, file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    /** Decodes, then validates the raw document (spec §0 steps 1–6). */
    public static BlubberConfig readAndValidate(Path file) {
        BlubberConfig config = read(file);
        ConfigValidator.validateOrThrow(config);
        return config;
    }

    /**
     * The 1-based line of every {@code base} key's value in a blubber.yaml: key "" for the root's, the variant name
     * for a variant's. Only well-formed parts are looked at; decode errors are {@link #decode}'s business.
     */
    public static Map<String, Integer> baseLines(Path file) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Node node;
        try {
            if (StrictYaml.checkSize(file).isPresent()) return out;
            node = new Yaml(StrictYaml.options()).compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | YAMLException e) {
            return out;
        }
        if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode root)) return out;
        for (org.yaml.snakeyaml.nodes.NodeTuple t : root.getValue()) {
            String key = scalar(t.getKeyNode());
            if ("base".equals(key)) out.put("", t.getValueNode().getStartMark().getLine() + 1);
            if ("variants".equals(key) && t.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode vs) {
                for (org.yaml.snakeyaml.nodes.NodeTuple v : vs.getValue()) {
                    if (!(v.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode vm)) continue;
                    for (org.yaml.snakeyaml.nodes.NodeTuple f : vm.getValue()) {
                        if ("base".equals(scalar(f.getKeyNode()))) {
                            out.put(scalar(v.getKeyNode()), f.getValueNode().getStartMark().getLine() + 1);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String scalar(Node n) {
        return n instanceof org.yaml.snakeyaml.nodes.ScalarNode s ? s.getValue() : null;
    }

    public static BlubberConfig decode(String file, String yaml) {
        Node node;
        Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(yaml);
        if (tooBig.isPresent()) throw new BlubberError(BlubberError.Kind.READ, file, 0, tooBig.get().message());
        try {
            node = new Yaml(StrictYaml.options()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new BlubberError(BlubberError.Kind.READ, file, line, String.valueOf(e.getProblem()));
        } catch (YAMLException e) {
            throw new BlubberError(BlubberError.Kind.READ, file, 0, e.getMessage());
        }
        Optional<StrictYaml.Problem> problem = StrictYaml.check(node);
        if (problem.isPresent()) throw new BlubberError(BlubberError.Kind.READ, file, problem.get().line(), problem.get().message());
        YamlCursor root = new YamlCursor(file, "", node);
        if (node == null || !root.isMapping()) throw new BlubberError(BlubberError.Kind.READ, file, root.line(), "the document must be a mapping");
        Map<String, YamlCursor> fields = root.fields(null);
        checkVersion(file, fields.get("version"), root);
        fields = root.fields(ROOT_KEYS);
        CommonConfig common = common(fields);
        CommonConfig withDefaults = new CommonConfig(common.base(), common.arguments(), common.apt(), common.builders(),
                common.node(), common.php(), common.python(), common.builder(),
                overlay(Lives.DEFAULT, common.lives()), overlay(Runs.DEFAULT, common.runs()), common.entrypoint());
        Map<String, Variant> variants = new LinkedHashMap<>();
        YamlCursor vs = fields.get("variants");
        if (vs != null) vs.fields(null).forEach((name, v) -> variants.put(name, variant(name, v)));
        return new BlubberConfig(file, BlubberConfig.CURRENT_VERSION, withDefaults, variants, SourceLines.of(node));
    }

    private static void checkVersion(String file, YamlCursor version, YamlCursor root) {
        if (version == null || version.isNull()) {
            throw new BlubberError(BlubberError.Kind.VALIDATION, file, root.line(), "version: is required");
        }
        String v = version.isScalar() ? version.string() : null;
        if (!BlubberConfig.CURRENT_VERSION.equals(v)) {
            throw new BlubberError(BlubberError.Kind.VALIDATION, file, version.line(),
                    "version: config version \"" + (v == null ? "" : v) + "\" is unsupported");
        }
    }

    private static Variant variant(String name, YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(VARIANT_KEYS);
        List<String> includes = f.containsKey("includes") ? f.get("includes").stringList() : List.of();
        List<Artifact> copies = f.containsKey("copies")
                ? f.get("copies").list((item, i) -> item.isScalar() ? new Artifact(item.string(), "", "", List.of()) : artifact(item))
                : List.of();
        return new Variant(name, includes, copies, common(f));
    }

    private static CommonConfig common(Map<String, YamlCursor> f) {
        YamlCursor base = f.get("base");
        return new CommonConfig(base == null ? "" : base.string(),
                f.containsKey("arguments") ? f.get("arguments").stringMap() : Map.of(),
                f.containsKey("apt") ? apt(f.get("apt")) : AptConfig.EMPTY,
                f.containsKey("builders") ? builders(f.get("builders")) : null,
                f.containsKey("node") ? node(f.get("node")) : null,
                f.containsKey("php") ? php(f.get("php")) : null,
                f.containsKey("python") ? python(f.get("python")) : null,
                f.containsKey("builder") ? custom(f.get("builder")) : null,
                f.containsKey("lives") ? lives(f.get("lives")) : Lives.EMPTY,
                f.containsKey("runs") ? runs(f.get("runs")) : Runs.EMPTY,
                f.containsKey("entrypoint") ? f.get("entrypoint").stringList() : null);
    }

    private static Lives lives(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("in", "as", "uid", "gid"));
        return new Lives(str(f, "in"), str(f, "as"), integer(f, "uid"), integer(f, "gid"));
    }

    private static Runs runs(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("as", "uid", "gid", "environment", "in", "insecurely"));
        return new Runs(str(f, "as"), integer(f, "uid"), integer(f, "gid"),
                f.containsKey("environment") ? f.get("environment").stringMap() : Map.of(), str(f, "in"), bool(f, "insecurely"));
    }

    /** Root values decoded on top of the defaults: a given key wins, even a uid of 0. */
    private static Lives overlay(Lives d, Lives given) {
        return new Lives(given.in().isEmpty() ? d.in() : given.in(), given.as().isEmpty() ? d.as() : given.as(),
                given.uid() != null ? given.uid() : d.uid(), given.gid() != null ? given.gid() : d.gid());
    }

    private static Runs overlay(Runs d, Runs given) {
        return new Runs(given.as().isEmpty() ? d.as() : given.as(), given.uid() != null ? given.uid() : d.uid(),
                given.gid() != null ? given.gid() : d.gid(), given.environment(), given.in(), given.insecurely());
    }

    private static AptConfig apt(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("packages", "sources", "proxies"));
        Map<String, List<String>> packages = new LinkedHashMap<>();
        YamlCursor p = f.get("packages");
        if (p != null && !p.isNull()) {
            if (p.isSequence()) packages.put(AptConfig.DEFAULT_RELEASE, p.stringList());
            else p.fields(null).forEach((release, list) -> packages.put(release, list.stringList()));
        }
        List<AptSource> sources = f.containsKey("sources") ? f.get("sources").list((s, i) -> {
            Map<String, YamlCursor> sf = s.fields(Set.of("url", "distribution", "components", "signed-by"));
            return new AptSource(str(sf, "url"), str(sf, "distribution"),
                    sf.containsKey("components") ? sf.get("components").stringList() : List.of(), str(sf, "signed-by"));
        }) : List.of();
        List<AptProxy> proxies = f.containsKey("proxies") ? f.get("proxies").list((x, i) -> {
            if (x.isScalar()) return new AptProxy(x.string(), "");
            Map<String, YamlCursor> pf = x.fields(Set.of("url", "source"));
            return new AptProxy(str(pf, "url"), str(pf, "source"));
        }) : List.of();
        return new AptConfig(packages, sources, proxies);
    }

    private static List<Builder> builders(YamlCursor c) {
        return c.list((item, i) -> {
            Map<String, YamlCursor> f = item.fields(Set.of("custom", "node", "php", "python"));
            if (f.size() != 1) throw item.error("each builders entry must have exactly one of custom, node, php, python");
            Map.Entry<String, YamlCursor> e = f.entrySet().iterator().next();
            return switch (e.getKey()) {
                case "node" -> node(e.getValue());
                case "php" -> php(e.getValue());
                case "python" -> python(e.getValue());
                default -> custom(e.getValue());
            };
        });
    }

    private static NodeBuilder node(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("requirements", "env", "use-npm-ci", "allow-dedupe-failure"));
        return new NodeBuilder(requirements(f), str(f, "env"), bool(f, "use-npm-ci"), bool(f, "allow-dedupe-failure"));
    }

    private static PhpBuilder php(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("requirements", "production"));
        return new PhpBuilder(requirements(f), bool(f, "production"));
    }

    private static PythonBuilder python(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("version", "requirements", "use-system-site-packages", "no-deps",
                "venv", "pip-version", "setuptools-version", "tox-version", "wheel-version", "poetry"));
        Poetry poetry = Poetry.EMPTY;
        if (f.containsKey("poetry")) {
            Map<String, YamlCursor> pf = f.get("poetry").fields(Set.of("version", "devel", "only", "without"));
            poetry = new Poetry(str(pf, "version"), bool(pf, "devel"), str(pf, "only"), str(pf, "without"));
        }
        return new PythonBuilder(str(f, "version"), requirements(f), bool(f, "use-system-site-packages"),
                bool(f, "no-deps"), str(f, "venv"), str(f, "pip-version"), str(f, "setuptools-version"),
                str(f, "tox-version"), str(f, "wheel-version"), poetry);
    }

    private static CustomBuilder custom(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("command", "script", "requirements", "mounts", "caches"));
        Command command = null;
        YamlCursor cmd = f.get("command");
        if (cmd != null && !cmd.isNull()) {
            if (cmd.isSequence()) command = Command.ofArgv(cmd.stringList());
            else {
                String s = cmd.string();
                if (s.isEmpty()) throw cmd.error("command must not be an empty string");
                command = Command.ofShell(s);
            }
        }
        List<Mount> mounts = f.containsKey("mounts") ? f.get("mounts").list((m, i) -> {
            if (m.isScalar()) return new Mount(m.string(), "", "");
            Map<String, YamlCursor> mf = m.fields(Set.of("from", "destination", "source"));
            return new Mount(str(mf, "from"), str(mf, "destination"), str(mf, "source"));
        }) : null;
        List<Cache> caches = f.containsKey("caches") ? f.get("caches").list((m, i) -> {
            if (m.isScalar()) return new Cache(m.string(), "", "");
            Map<String, YamlCursor> mf = m.fields(Set.of("destination", "id", "access"));
            return new Cache(str(mf, "destination"), str(mf, "id"), str(mf, "access"));
        }) : null;
        return new CustomBuilder(command, str(f, "script"), requirements(f), mounts, caches);
    }

    private static List<Artifact> requirements(Map<String, YamlCursor> f) {
        YamlCursor r = f.get("requirements");
        if (r == null) return null;
        return r.list((item, i) -> item.isScalar() ? new Artifact(Artifact.LOCAL, item.string(), "", List.of()) : artifact(item));
    }

    private static Artifact artifact(YamlCursor c) {
        Map<String, YamlCursor> f = c.fields(Set.of("from", "source", "destination", "exclude"));
        return new Artifact(str(f, "from"), str(f, "source"), str(f, "destination"),
                f.containsKey("exclude") ? f.get("exclude").stringList() : List.of());
    }

    private static String str(Map<String, YamlCursor> f, String key) {
        YamlCursor c = f.get(key);
        return c == null ? "" : c.string();
    }

    private static Integer integer(Map<String, YamlCursor> f, String key) {
        YamlCursor c = f.get(key);
        return c == null ? null : c.integer();
    }

    private static Boolean bool(Map<String, YamlCursor> f, String key) {
        YamlCursor c = f.get(key);
        return c == null ? null : c.bool();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
