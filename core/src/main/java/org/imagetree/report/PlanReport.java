package org.imagetree.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.PlannedImage;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plans, renderings and trees for people (text, dot, mermaid) and for programs (JSON). */
public final class PlanReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanReport() {}

    public static String text(BuildPlan plan) {
        StringBuilder sb = new StringBuilder();
        int w = 5;
        for (PlannedImage p : plan.images().values()) w = Math.max(w, p.label().length());
        String fmt = "%-" + w + "s  %-9s  %-7s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "IMAGE", "STATE", "ACTION", "REASON"));
        for (PlannedImage p : plan.images().values()) {
            sb.append(String.format(Locale.ROOT, fmt, p.label(), p.state().label(), p.action().label(), p.reason()));
        }
        sb.append("\nBuild order:\n");
        int k = 1;
        for (PlannedImage p : plan.work()) sb.append(String.format(Locale.ROOT, "%4d. %s%n", k++, p.label()));
        if (plan.work().isEmpty()) sb.append("  (nothing to build)\n");
        if (!plan.waves().isEmpty()) sb.append("\nWaves (images of one wave can build at the same time):\n");
        for (int i = 0; i < plan.waves().size(); i++) {
            sb.append("  ").append(i + 1).append(": ").append(String.join(" ", plan.waves().get(i))).append('\n');
        }
        return sb.toString();
    }

    public static String json(BuildPlan plan) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode imgs = root.putArray("images");
        for (PlannedImage p : plan.images().values()) {
            ObjectNode o = imgs.addObject();
            o.put("name", p.name());
            o.put("tag", p.image().tag());
            o.put("label", p.label());
            o.put("directory", p.image().definition().directory().toString());
            o.put("state", p.state().label());
            o.put("action", p.action().label());
            o.put("reason", p.reason());
            o.put("digest", p.digest());
            ArrayNode parents = o.putArray("parents");
            p.image().parents().forEach(parents::add);
        }
        ArrayNode order = root.putArray("order");
        plan.work().forEach(p -> order.add(p.name()));
        ArrayNode waves = root.putArray("waves");
        for (List<String> wave : plan.waves()) {
            ArrayNode a = waves.addArray();
            wave.forEach(a::add);
        }
        ArrayNode warnings = root.putArray("warnings");
        plan.warnings().forEach(warnings::add);
        return write(root);
    }

    /** Rendered Dockerfiles keyed by image directory relative to {@code root}: docker-pkg's conformance shape. */
    public static String renderJson(ImageTree tree, Path root) {
        ObjectNode out = JSON.createObjectNode();
        for (TreeImage i : sortedByDirectory(tree, root)) {
            ObjectNode o = out.putObject(relative(root, i));
            o.put("name", i.name());
            o.put("tag", i.tag());
            o.put("label", i.label());
            ArrayNode deps = o.putArray("depends");
            i.definition().declaredDepends().forEach(deps::add);
            o.put("dockerfile", i.dockerfile());
        }
        return write(out);
    }

    public static String renderText(ImageTree tree, Path root) {
        StringBuilder sb = new StringBuilder();
        for (TreeImage i : sortedByDirectory(tree, root)) {
            sb.append("### ").append(i.label()).append(" (").append(relative(root, i)).append(")\n");
            sb.append(i.dockerfile());
            if (!i.dockerfile().endsWith("\n")) sb.append('\n');
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String dot(ImageTree tree) {
        StringBuilder sb = new StringBuilder("digraph images {\n  rankdir=LR;\n  node [shape=box];\n");
        for (String n : tree.order()) {
            TreeImage i = tree.get(n);
            sb.append("  \"").append(n).append("\" [label=\"").append(n).append("\\n").append(i.tag()).append("\"];\n");
            for (String p : i.parents()) sb.append("  \"").append(p).append("\" -> \"").append(n).append("\";\n");
        }
        return sb.append("}\n").toString();
    }

    public static String mermaid(ImageTree tree) {
        StringBuilder sb = new StringBuilder("graph LR\n");
        Map<String, Integer> ids = new java.util.HashMap<>();
        for (String n : tree.order()) ids.put(n, ids.size());
        for (String n : tree.order()) {
            TreeImage i = tree.get(n);
            sb.append("  n").append(ids.get(n)).append("[\"").append(n).append(":").append(i.tag()).append("\"]\n");
        }
        for (String n : tree.order()) {
            for (String p : tree.get(n).parents()) sb.append("  n").append(ids.get(p)).append(" --> n").append(ids.get(n)).append('\n');
        }
        return sb.toString();
    }

    private static List<TreeImage> sortedByDirectory(ImageTree tree, Path root) {
        return tree.images().values().stream().sorted(java.util.Comparator.comparing(i -> relative(root, i))).toList();
    }

    private static String relative(Path root, TreeImage i) {
        return root.toAbsolutePath().normalize().relativize(i.definition().directory().toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
