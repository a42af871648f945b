package org.imagetree.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** render and graph through the command line, on Wikimedia's production-images. */
class RenderCliTest {
    private static final Path TREE = TestEnvironment.shared().resolve("conformance/production-images");

    @Test
    void renderJsonIsWhatDockerPkgRenders() throws Exception {
        CliRun r = CliRun.of("-c", TREE.resolve("config.yaml").toString(), "render", "--format", "json", TREE.resolve("images").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ObjectMapper m = new ObjectMapper();
        JsonNode ours = m.readTree(r.out());
        JsonNode expected = m.readTree(TREE.resolveSibling("production-images.expected.json").toFile());
        assertThat(ours.size()).isEqualTo(125);
        expected.fieldNames().forEachRemaining(key -> {
            assertThat(ours.get(key)).as(key).isNotNull();
            assertThat(ours.get(key).get("dockerfile")).as(key).isEqualTo(expected.get(key).get("dockerfile"));
            assertThat(ours.get(key).get("label")).as(key).isEqualTo(expected.get(key).get("label"));
        });
    }

    @Test
    void graphShowsEdgesControlForgets() {
        CliRun dot = CliRun.of("-c", TREE.resolve("config.yaml").toString(), "graph", TREE.resolve("images").toString());
        assertThat(dot.exitCode()).as(dot.err()).isZero();
        assertThat(dot.out()).startsWith("digraph images {").contains("\"golang1.22\" -> \"envoy\";");
        CliRun mermaid = CliRun.of("-c", TREE.resolve("config.yaml").toString(), "graph", "--format", "mermaid", TREE.resolve("images").toString());
        assertThat(mermaid.out()).startsWith("graph LR\n").contains("[\"envoy:").contains(" --> ");
    }
}
