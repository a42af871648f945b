package org.imagetree.execute;

import org.imagetree.model.ImageDefinition;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;
import org.imagetree.plan.Action;
import org.imagetree.plan.BuildPlan;
import org.imagetree.plan.ImageState;
import org.imagetree.plan.PlannedImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LongestChainFirstTest {
    private static TreeImage image(String name, String... parents) {
        ImageDefinition d = new ImageDefinition(Path.of("images", name), name, "1.0", List.of(parents));
        return new TreeImage(d, "reg.example/" + name + ":1.0", "FROM x\n", List.of(parents), List.of(), List.of());
    }

    @Test
    void theHeadOfTheLongestChainOfWorkStartsFirstAndParentsStayBeforeChildren() {
        // a, b, c are roots; c heads a chain of three, b of two, a of one; published is no work.
        ImageTree tree = new ImageTree(List.of(image("a"), image("b"), image("c"), image("b1", "b"), image("c1", "c"),
                image("c2", "c1"), image("published")));
        Map<String, PlannedImage> planned = new LinkedHashMap<>();
        for (String n : tree.order()) {
            boolean work = !n.equals("published");
            planned.put(n, new PlannedImage(tree.get(n), work ? ImageState.TO_BUILD : ImageState.PUBLISHED,
                    work ? Action.BUILD : Action.NONE, work ? "not in the registry" : "published", null));
        }
        BuildPlan plan = new BuildPlan(tree, planned, tree.waves(Set.of("a", "b", "c", "b1", "c1", "c2")), List.of());
        List<String> order = TreeExecutor.longestChainFirst(plan).stream().map(PlannedImage::name).toList();
        assertThat(order).containsExactly("c", "b", "c1", "a", "b1", "c2");
    }
}
