package org.imagetree.blubber.config;

import org.imagetree.config.StrictYaml;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Blubber policy: {@code enforcements: [{path, rule}]}, validator-style rules checked against the expanded
 * config (spec §4). Paths that resolve to nothing are skipped; the first violation fails (exit code 6).
 */
public record Policy(String uri, List<Enforcement> enforcements) {
    public record Enforcement(String path, String rule) {}

    public Policy {
        enforcements = List.copyOf(enforcements);
    }

    /** Reads a YAML (or JSON) policy file; problems are policy-load errors (exit code 5). */
    public static Policy read(Path file) {
        String text;
        try {
            java.util.Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(file);
            if (tooBig.isPresent()) throw loadError(file.toString(), tooBig.get().message());
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw loadError(file.toString(), "cannot read policy: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Policy parse(String uri, String text) {
        Object doc;
        if (StrictYaml.checkSize(text).isPresent()) throw loadError(uri, StrictYaml.checkSize(text).get().message());
        try {
            Yaml yaml = new Yaml(new SafeConstructor(StrictYaml.options()));
            java.util.Optional<StrictYaml.Problem> problem = StrictYaml.check(yaml.compose(new java.io.StringReader(text)));
            if (problem.isPresent()) {
                throw new BlubberError(BlubberError.Kind.POLICY_LOAD, uri, problem.get().line(), "cannot parse policy: " + problem.get().message());
            }
            doc = yaml.load(text);
        } catch (BlubberError e) {
            throw e;
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            // file:line: problem, not SnakeYAML's multi-line dump with a caret
            org.yaml.snakeyaml.error.Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new BlubberError(BlubberError.Kind.POLICY_LOAD, uri, m == null ? 0 : m.getLine() + 1,
                    "cannot parse policy: " + e.getProblem());
        } catch (RuntimeException e) {
            throw loadError(uri, "cannot parse policy: " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> m) || !(m.get("enforcements") instanceof List<?> list)) {
            throw loadError(uri, "a policy must have a list of enforcements");
        }
        for (Object key : m.keySet()) {
            if (!"enforcements".equals(key)) throw loadError(uri, "unknown field \"" + key + "\"");
        }
        List<Enforcement> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> e) || !(e.get("path") instanceof String path) || !(e.get("rule") instanceof String rule)
                    || e.size() != 2) {
                throw loadError(uri, "each enforcement needs exactly a string path and a string rule");
            }
            try {
                PolicyRule.check(rule, null);
            } catch (IllegalArgumentException ex) {
                throw loadError(uri, ex.getMessage());
            }
            out.add(new Enforcement(path, rule));
        }
        return new Policy(uri, out);
    }

    /** Checks every enforcement against the expanded config; throws on the first violation. */
    public void check(Expansion expansion) {
        Map<String, Object> tree = ConfigTree.of(expansion);
        for (Enforcement e : enforcements) {
            Object value = resolve(tree, e.path());
            if (value == MISSING) continue;
            if (!PolicyRule.check(e.rule(), value)) {
                String violation = "value: \"" + PolicyRule.display(value) + "\", for \"" + e.path()
                        + "\" violates policy rule \"" + e.rule() + "\"";
                // Blubber prints three lines without a location; one line, at the value's line in the blubber.yaml.
                BlubberConfig config = expansion.config();
                throw new BlubberError(BlubberError.Kind.POLICY_VIOLATION, config.file(), SourceLines.valueLine(config, e.path()),
                        "fails the policy " + uri + ": " + violation);
            }
        }
    }

    private static final Object MISSING = new Object();

    private static Object resolve(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(part)) return MISSING;
            current = m.get(part);
        }
        return current;
    }

    private static BlubberError loadError(String uri, String message) {
        return new BlubberError(BlubberError.Kind.POLICY_LOAD, uri, 0, message);
    }
}
