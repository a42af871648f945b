package org.imagetree.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagetree.config.ConfigLoader;
import org.imagetree.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every template of production-images' {@code images/} tree must render exactly as docker-pkg rendered it
 * ({@code production-images.expected.json}, produced by docker-pkg itself).
 */
class ProductionImagesConformanceTest {

    private static Path shared() {
        String dir = System.getProperty("imagetree.shared");
        if (dir == null) fail("system property imagetree.shared is not set (surefire sets it to the shared directory)");
        return Path.of(dir);
    }

    @Test
    void rendersAllProductionTemplatesByteForByte() throws IOException {
        Path root = shared().resolve("conformance");
        Path images = root.resolve("production-images/images");
        JsonNode expected = new ObjectMapper().readTree(root.resolve("production-images.expected.json").toFile());
        EngineConfig config = ConfigLoader.load(Optional.of(root.resolve("production-images/config.yaml")), Map.of());

        Set<String> labels = new LinkedHashSet<>();
        expected.forEach(entry -> labels.add(entry.get("label").asText()));
        labels.addAll(config.baseImages());
        List<String> warnings = new ArrayList<>();
        TemplateRenderer renderer = new TemplateRenderer(config, labels, warnings::add);

        List<String> mismatches = new ArrayList<>();
        int identical = 0;
        long start = System.nanoTime();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String want = entry.getValue().get("dockerfile").asText();
            try {
                String got = renderer.render(images.resolve(entry.getKey()).resolve("Dockerfile.template")).dockerfile();
                if (got.equals(want)) identical++;
                else mismatches.add(entry.getKey() + ": " + firstDifference(want, got));
            } catch (RuntimeException e) {
                mismatches.add(entry.getKey() + ": " + e.getMessage());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("production-images conformance: %d/%d byte-identical; %d renders in %.3f s (%.0f renders/second)%n",
                identical, expected.size(), expected.size(), seconds, expected.size() / seconds);

        assertThat(expected.size()).isEqualTo(125);
        // image_tag names reveal dependencies missing from control (image-pipeline.md 5.10 #8).
        assertThat(renderer.render(images.resolve("envoy/Dockerfile.template")).imageTagNames()).contains("golang1.22");
        assertThat(renderer.render(images.resolve("mapnik/Dockerfile.template")).imageTagNames()).contains("python3-bookworm");
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + expected.size() + " templates differ:\n" + String.join("\n", mismatches));
        }
    }

    /** The first differing line of two texts, both sides escaped. */
    static String firstDifference(String want, String got) {
        String[] a = want.split("\n", -1);
        String[] b = got.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end>";
            String y = i < b.length ? b[i] : "<end>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + "\n    expected: " + escape(x) + "\n    actual:   " + escape(y);
            }
        }
        return "same lines, different line endings";
    }

    private static String escape(String s) {
        return s.replace("\t", "\\t").replace("\r", "\\r") + "⏎";
    }
}
