package org.imagetree.model;

import org.imagetree.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageTreeTest {
    static TreeImage image(String name, String... parents) {
        ImageDefinition d = new ImageDefinition(Path.of("images", name), name, "1.0", List.of(parents));
        return new TreeImage(d, "reg.example/" + name + ":1.0", "FROM x\n", List.of(parents), List.of(), List.of());
    }

    @Test
    void ordersParentsBeforeChildrenAndGroupsWaves() {
        ImageTree t = new ImageTree(List.of(image("web", "runtime"), image("runtime", "tools"), image("tools"),
                image("cli", "tools"), image("standalone"), image("worker", "runtime")));
        List<String> order = t.order();
        assertThat(order.indexOf("tools")).isLessThan(order.indexOf("runtime"));
        assertThat(order.indexOf("runtime")).isLessThan(order.indexOf("web"));
        assertThat(order.indexOf("runtime")).isLessThan(order.indexOf("worker"));
        assertThat(t.waves(Set.copyOf(order))).containsExactly(
                List.of("standalone", "tools"), List.of("cli", "runtime"), List.of("web", "worker"));
        assertThat(t.level("web")).isEqualTo(2);
        assertThat(t.descendants(List.of("tools"))).containsExactlyInAnyOrder("runtime", "cli", "web", "worker");
        assertThat(t.ancestors("web")).containsExactlyInAnyOrder("runtime", "tools");
    }

    @Test
    void wavesOfASubsetFollowOnlyEdgesInsideIt() {
        ImageTree t = new ImageTree(List.of(image("a"), image("b", "a"), image("c", "b")));
        // c builds on the published b, so it need not wait for a.
        assertThat(t.waves(Set.of("a", "c"))).containsExactly(List.of("a", "c"));
        assertThat(t.waves(Set.of("b", "c"))).containsExactly(List.of("b"), List.of("c"));
    }

    @Test
    void aCycleIsAnErrorThatPrintsTheCycle() {
        assertThatThrownBy(() -> new ImageTree(List.of(image("a", "c"), image("b", "a"), image("c", "b"), image("d"))))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("dependency cycle: a -> c -> b -> a");
    }

    /** The cycle is named at the file that makes it: control when it declares the edge, else the template (issue 26). */
    @Test
    void aCycleThroughATemplateIsNamedAtTheTemplate() {
        ImageDefinition a = new ImageDefinition(Path.of("images", "a"), "a", "1.0", List.of()); // no control: its template uses b
        TreeImage usesB = new TreeImage(a, "reg.example/a:1.0", "FROM reg.example/b:1.0\n", List.of("b"), List.of(), List.of());
        assertThatThrownBy(() -> new ImageTree(List.of(usesB, image("b", "a"))))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(Path.of("images", "a", "Dockerfile.template").toString());
                    assertThat(e.problem()).isEqualTo("dependency cycle: a -> b -> a (a's template uses b)");
                });
        assertThatThrownBy(() -> new ImageTree(List.of(image("a", "b"), image("b", "a"))))
                .isInstanceOfSatisfying(InputError.class, e -> {
                    assertThat(e.file()).isEqualTo(Path.of("images", "a", "control").toString());
                    assertThat(e.problem()).isEqualTo("dependency cycle: a -> b -> a");
                });
    }

    @Test
    void aSelfDependencyIsACycle() {
        assertThatThrownBy(() -> new ImageTree(List.of(image("a", "a"))))
                .isInstanceOf(InputError.class).hasMessageContaining("dependency cycle: a -> a");
    }

    @Test
    void duplicateNamesAreAnError() {
        assertThatThrownBy(() -> new ImageTree(List.of(image("a"), image("a"))))
                .isInstanceOf(InputError.class).hasMessageContaining("image name 'a' is also defined in");
    }

    @Test
    void aChainOfFiftyThousandImagesIsOrderedWithoutRunningOutOfStack() {
        int n = 50_000;
        // The root is z49999, the leaf z00000: the walk starts at the leaf, the whole chain deep.
        List<TreeImage> chain = new java.util.ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            chain.add(i == n - 1 ? image(name(i)) : image(name(i), name(i + 1)));
        }
        ImageTree t = new ImageTree(chain);
        assertThat(t.order()).hasSize(n);
        assertThat(t.order().get(0)).isEqualTo(name(n - 1));
        assertThat(t.order().get(n - 1)).isEqualTo(name(0));
        assertThat(t.level(name(0))).isEqualTo(n - 1);
    }

    private static String name(int i) { return String.format("z%05d", i); }
}
