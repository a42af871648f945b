package org.imagetree.pipeline;

import org.imagetree.pipeline.graph.ExecutionGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PipelineLib's {@code test/org/wikimedia/integration/ExecutionGraphTest.groovy} (b23da56), case by case. */
class ExecutionGraphTest {
    private static ExecutionGraph graph(List<String>... arcs) { return ExecutionGraph.of(List.of(arcs)); }

    @Test
    void ancestorsOf() {
        ExecutionGraph g = graph(List.of("a", "b", "c", "d", "e", "f"), List.of("x", "d", "y", "f"));
        assertThat(g.ancestorsOf("c")).containsExactlyInAnyOrder("b", "a");
        assertThat(g.ancestorsOf("d")).containsExactlyInAnyOrder("c", "b", "a", "x");
        assertThat(g.ancestorsOf("f")).containsExactlyInAnyOrder("e", "d", "c", "b", "a", "x", "y");
    }

    @Test
    void leaves() {
        assertThat(graph(List.of("a", "b", "c", "d"), List.of("f", "b", "g")).leaves()).containsExactlyInAnyOrder("g", "d");
    }

    @Test
    void inDegreeOfAndInTo() {
        ExecutionGraph g = graph(List.of("a", "b", "c"), List.of("d", "b", "e"), List.of("f", "b"));
        assertThat(g.inDegreeOf("a")).isZero();
        assertThat(g.inDegreeOf("d")).isZero();
        assertThat(g.inDegreeOf("f")).isZero();
        assertThat(g.inDegreeOf("b")).isEqualTo(3);
        assertThat(g.inDegreeOf("e")).isEqualTo(1);
        assertThat(g.inDegreeOf("c")).isEqualTo(1);
        assertThat(g.inTo("a")).isEmpty();
        assertThat(g.inTo("b")).containsExactlyInAnyOrder("a", "d", "f");
        assertThat(g.inTo("c")).containsExactly("b");
        assertThat(g.inTo("e")).containsExactly("b");
    }

    @Test
    void nodes() {
        assertThat(graph(List.of("a", "b", "c"), List.of("x", "b", "y"), List.of("z")).nodes())
                .containsExactlyInAnyOrder("a", "b", "c", "x", "y", "z");
    }

    @Test
    void or() {
        ExecutionGraph g1 = graph(List.of("x", "y", "z"));
        ExecutionGraph g2 = graph(List.of("a", "b", "c"), List.of("d", "b", "e"));
        assertThat(g1.or(g2)).isEqualTo(graph(List.of("x", "y", "z"), List.of("a", "b", "c"), List.of("d", "b", "e")));
    }

    @Test
    void outDegreeOfAndOutOf() {
        ExecutionGraph g = graph(List.of("a", "b", "c"), List.of("d", "b", "e"), List.of("f", "b"));
        assertThat(g.outDegreeOf("a")).isEqualTo(1);
        assertThat(g.outDegreeOf("b")).isEqualTo(2);
        assertThat(g.outDegreeOf("e")).isZero();
        assertThat(g.outOf("b")).containsExactlyInAnyOrder("c", "e");
        assertThat(g.outOf("c")).isEmpty();
    }

    @Test
    void plus() {
        ExecutionGraph g1 = graph(List.of("x", "y", "z"));
        ExecutionGraph g2 = graph(List.of("a", "b", "c"), List.of("d", "b", "e"));
        assertThat(g1.plus(g2)).isEqualTo(graph(List.of("x", "y", "z", "a", "b", "c"), List.of("x", "y", "z", "d", "b", "e")));
    }

    @Test
    void roots() {
        assertThat(graph(List.of("a", "b", "c", "d", "e"), List.of("f", "b", "g", "e")).roots()).containsExactlyInAnyOrder("a", "f");
        assertThat(graph(List.of("a"), List.of("z")).roots()).containsExactlyInAnyOrder("a", "z");
    }

    @Test
    void stack() {
        assertThat(graph(List.of("a", "b", "c", "d", "e", "f"), List.of("x", "d", "y", "f")).stack()).containsExactly(
                List.of("a", "x"), List.of("b"), List.of("c"), List.of("d"), List.of("e", "y"), List.of("f"));
    }

    @Test
    void stackDetectsCyclesAndNamesTheCycle() {
        ExecutionGraph g = graph(List.of("a", "b", "c"), List.of("x", "b", "y", "a"));
        assertThatThrownBy(g::stack).isInstanceOf(ExecutionGraph.CycleException.class).hasMessageContaining("cycle detected in graph");
        assertThat(g.cycle()).hasValue(List.of("a", "b", "y", "a"));
        assertThat(graph(List.of("a", "b"), List.of("c")).cycle()).isEmpty();
    }

    @Test
    void toStringIsDot() {
        assertThat(graph(List.of("a", "b", "c"), List.of("x"))).hasToString("digraph { a -> b; b -> c; x }");
    }

    @Test
    void setupAndTeardownWrapAPipelinesGraph() {
        ExecutionGraph full = graph(List.of("setup")).plus(graph(List.of("a", "c"), List.of("b", "c"))).plus(graph(List.of("teardown")));
        assertThat(full.stack()).containsExactly(List.of("setup"), List.of("a", "b"), List.of("c"), List.of("teardown"));
        assertThat(full.ancestorsOf("c")).isEqualTo(Set.of("a", "b", "setup"));
    }
}
