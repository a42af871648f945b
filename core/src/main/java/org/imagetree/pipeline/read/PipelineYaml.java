package org.imagetree.pipeline.read;

import org.imagetree.config.StrictYaml;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.AnchorNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code .pipeline/config.yaml} into {@link YamlValue}s with their lines, under the project's YAML rules
 * ({@link StrictYaml}: at most 1 MiB, no key twice in a mapping, bounded aliases) and with the types PipelineLib's
 * validator sees: PipelineLib validates the file with ajv, which reads YAML with js-yaml's YAML 1.2 core schema, so a
 * plain {@code yes} or {@code on} is a string (not SnakeYAML's YAML 1.1 boolean) and only {@code true}/{@code false}
 * are booleans. Merge keys ({@code <<}) are applied as js-yaml applies them. Stateless.
 */
public final class PipelineYaml {
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern TRUE = Pattern.compile("true|True|TRUE");
    private static final Pattern FALSE = Pattern.compile("false|False|FALSE");
    private static final Pattern INT_DEC = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern INT_OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern INT_HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");
    private static final Resolver IMPLICIT = new Resolver();

    private PipelineYaml() {}

    /**
     * The document as values.
     *
     * @throws PipelineConfigException naming the line of a syntax error, a duplicate key, a key that is not a scalar
     */
    public static YamlValue parse(String file, String text) {
        Optional<StrictYaml.Problem> tooBig = StrictYaml.checkSize(text);
        if (tooBig.isPresent()) throw new PipelineConfigException(file, List.of(new ConfigProblem(0, tooBig.get().message())));
        Node root;
        try {
            root = new Yaml(StrictYaml.options()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1
                    : e.getContextMark() != null ? e.getContextMark().getLine() + 1 : 0;
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null && !what.contains(e.getContext())) what = e.getContext() + ": " + what;
            throw new PipelineConfigException(file, List.of(new ConfigProblem(line, "invalid YAML: " + what)));
        } catch (YAMLException e) {
            throw new PipelineConfigException(file, List.of(new ConfigProblem(0, "invalid YAML: " + e.getMessage())));
        }
        Optional<StrictYaml.Problem> strict = StrictYaml.check(root);
        if (strict.isPresent()) throw new PipelineConfigException(file, List.of(new ConfigProblem(strict.get().line(), strict.get().message())));
        if (root == null) return new YamlValue.Scalar(null, 1);
        List<ConfigProblem> problems = new ArrayList<>();
        YamlValue value = new Converter(problems).convert(root);
        if (!problems.isEmpty()) throw new PipelineConfigException(file, problems);
        return value;
    }

    /** A value as YAML text (for an inline blubberfile written to a file). */
    public static String dump(Object java) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setSplitLines(false);
        return new Yaml(o).dump(java);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /** Nodes to values; aliases converted once (the composer shares the node), bounded by StrictYaml's node count. */
    private static final class Converter {
        private final List<ConfigProblem> problems;
        private final Map<Node, YamlValue> done = new IdentityHashMap<>();

        Converter(List<ConfigProblem> problems) { this.problems = problems; }

        YamlValue convert(Node node) {
            if (node instanceof AnchorNode a) node = a.getRealNode();
            YamlValue cached = done.get(node);
            if (cached != null) return cached;
            YamlValue v;
            if (node instanceof ScalarNode s) {
                v = new YamlValue.Scalar(scalar(s), line(s));
            } else if (node instanceof SequenceNode seq) {
                List<YamlValue> items = new ArrayList<>();
                for (Node n : seq.getValue()) items.add(convert(n));
                v = new YamlValue.Sequence(items, line(seq));
            } else {
                v = mapping((MappingNode) node);
            }
            done.put(node, v);
            return v;
        }

        private YamlValue mapping(MappingNode map) {
            List<YamlValue.Entry> entries = new ArrayList<>();
            Set<String> keys = new LinkedHashSet<>();
            List<YamlValue.Mapping> merged = new ArrayList<>();
            for (NodeTuple t : map.getValue()) {
                Node k = t.getKeyNode();
                if (k instanceof ScalarNode ks && "<<".equals(ks.getValue()) && ks.getTag().equals(Tag.MERGE)) {
                    YamlValue m = convert(t.getValueNode());
                    if (m instanceof YamlValue.Mapping mm) {
                        merged.add(mm);
                    } else if (m instanceof YamlValue.Sequence seq && seq.items().stream().allMatch(i -> i instanceof YamlValue.Mapping)) {
                        seq.items().forEach(i -> merged.add((YamlValue.Mapping) i));
                    } else {
                        problems.add(new ConfigProblem(line(k), "a merge key (<<) takes a mapping or a list of mappings"));
                    }
                    continue;
                }
                if (!(k instanceof ScalarNode ks)) {
                    problems.add(new ConfigProblem(line(k), "a key must be a string, not a " + (k instanceof MappingNode ? "mapping" : "list")));
                    continue;
                }
                Object key = scalar(ks);
                String name = key == null ? "null" : String.valueOf(key);
                keys.add(name);
                entries.add(new YamlValue.Entry(name, line(ks), convert(t.getValueNode())));
            }
            // Explicit keys win over merged ones; earlier merged mappings over later ones (YAML merge key spec).
            for (YamlValue.Mapping m : merged) {
                for (YamlValue.Entry e : m.entries()) {
                    if (keys.add(e.key())) entries.add(e);
                }
            }
            return new YamlValue.Mapping(entries, line(map));
        }

        /** YAML 1.2 core types for plain scalars whose tag SnakeYAML resolved implicitly; explicit tags as written. */
        private static Object scalar(ScalarNode s) {
            String v = s.getValue();
            Tag tag = s.getTag();
            boolean plain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
            boolean implicit = plain && tag.equals(IMPLICIT.resolve(NodeId.scalar, v, true));
            if (!implicit) {
                if (!plain && tag.equals(Tag.STR)) return v;
                if (tag.equals(Tag.NULL)) return null;
                if (tag.equals(Tag.BOOL)) return TRUE.matcher(v).matches() || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on")
                        || v.equalsIgnoreCase("y");
                if (tag.equals(Tag.INT)) return core(v) instanceof Long l ? l : v;
                if (tag.equals(Tag.FLOAT)) return core(v) instanceof Number n ? n.doubleValue() : v;
                return v;
            }
            return core(v);
        }

        private static Object core(String v) {
            if (NULL.matcher(v).matches()) return null;
            if (TRUE.matcher(v).matches()) return Boolean.TRUE;
            if (FALSE.matcher(v).matches()) return Boolean.FALSE;
            try {
                if (INT_DEC.matcher(v).matches()) return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
                if (INT_OCT.matcher(v).matches()) return Long.parseLong(v.substring(2), 8);
                if (INT_HEX.matcher(v).matches()) return Long.parseLong(v.substring(2), 16);
            } catch (NumberFormatException e) {
                return Double.parseDouble(v.replace("0o", "").replace("0x", "")); // beyond a long: still a number
            }
            if (FLOAT.matcher(v).matches() && !v.equals(".") && !v.isEmpty()) return Double.parseDouble(v);
            if (INF.matcher(v).matches()) return v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            if (NAN.matcher(v).matches()) return Double.NaN;
            return v;
        }
    }
}
