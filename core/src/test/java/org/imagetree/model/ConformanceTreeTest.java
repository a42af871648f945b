package org.imagetree.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.imagetree.report.PlanReport;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole read → model stage on Wikimedia's production-images: scanning, every template rendered with the
 * tree known, and the render JSON in docker-pkg's shape, compared with what docker-pkg 4.0.4 produced.
 */
class ConformanceTreeTest {
    @Test
    void theRenderJsonOfTheProductionTreeIsDockerPkgs() throws Exception {
        Path root = TestEnvironment.shared().resolve("conformance/production-images");
        EngineConfig config = ConfigLoader.load(Optional.of(root.resolve("config.yaml")), Map.of());
        ImageTreeLoader.LoadedTree loaded = new ImageTreeLoader(config, 4).load(root.resolve("images"), "");
        ObjectMapper m = new ObjectMapper();
        JsonNode ours = m.readTree(PlanReport.renderJson(loaded.tree(), root.resolve("images")));
        JsonNode expected = m.readTree(root.resolveSibling("production-images.expected.json").toFile());

        List<String> mismatches = new ArrayList<>();
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode e = expected.get(key);
            JsonNode o = ours.get(key);
            if (o == null) {
                mismatches.add(key + ": missing");
                continue;
            }
            for (String field : List.of("name", "tag", "label", "dockerfile")) {
                if (!e.get(field).equals(o.get(field))) mismatches.add(key + ": " + field + " differs");
            }
            List<String> ed = new ArrayList<>();
            e.get("depends").forEach(d -> ed.add(d.asText()));
            List<String> od = new ArrayList<>();
            o.get("depends").forEach(d -> od.add(d.asText()));
            if (!new java.util.TreeSet<>(ed).equals(new java.util.TreeSet<>(od))) mismatches.add(key + ": depends " + od + " != " + ed);
        }
        assertThat(mismatches).isEmpty();
        assertThat(ours.size()).isEqualTo(expected.size()).isEqualTo(125);
    }

    @Test
    void templatesOrderImagesThatControlForgets() throws Exception {
        Path root = TestEnvironment.shared().resolve("conformance/production-images");
        EngineConfig config = ConfigLoader.load(Optional.of(root.resolve("config.yaml")), Map.of());
        ImageTree tree = new ImageTreeLoader(config, 4).load(root.resolve("images"), "").tree();
        // Undeclared in control, used through image_tag or {{ registry }}/<name> (image-pipeline.md 5.10 item 8).
        assertThat(tree.ancestors("envoy")).contains("golang1.22");
        assertThat(tree.ancestors("openjdk-8-jdk")).contains("openjdk-8-jre");
        assertThat(tree.ancestors("mapnik")).contains("python3-bookworm");
        assertThat(tree.ancestors("cfssl-issuer")).contains("golang1.22");
        List<String> order = tree.order();
        assertThat(order.indexOf("golang1.22")).isLessThan(order.indexOf("envoy"));
        String deepest = tree.order().stream().max(java.util.Comparator.comparingInt(tree::level)).orElseThrow();
        // control alone gives 4 levels; the undeclared openjdk-8-jre -> openjdk-8-jdk edge adds a fifth.
        assertThat(deepest).isEqualTo("spark3.1-operator");
        assertThat(tree.level(deepest)).isEqualTo(4);
        assertThat(tree.ancestors(deepest)).contains("openjdk-8-jre", "openjdk-8-jdk", "spark3.1-build", "spark3.1");
    }
}
