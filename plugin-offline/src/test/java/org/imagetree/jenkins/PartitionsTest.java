package org.imagetree.jenkins;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Partitions of a plan's work: whole subtrees, balanced by critical path then size. */
class PartitionsTest {
    private static ImageRow row(String name, String action, String... parents) {
        return new ImageRow(name, "1", "r/" + name + ":1", "to_build", action, "", 0, "", 0, List.of(parents));
    }

    @Test
    void subtreesStayTogetherAndTheLongestChainsAreSpreadFirst() {
        List<ImageRow> rows = new ArrayList<>(List.of(
                row("a", "build"), row("a1", "build", "a"), row("a2", "build", "a1"),    // chain of 3
                row("b", "build"), row("b1", "build", "b"),                              // chain of 2
                row("c", "build"), row("c1", "build", "c"),                              // chain of 2
                row("p", "none"), row("p1", "build", "p"), row("p2", "build", "p"),      // two subtrees under a published parent
                row("m", "build", "b1", "c1")));                                          // joins b and c
        List<List<String>> parts = Partitions.of(rows, 3);
        assertThat(parts).hasSize(3);
        // b, c and m are one group (m needs both); a's chain is the other long one; p1 and p2 are separate groups.
        assertThat(parts).anySatisfy(p -> assertThat(p).containsSubsequence("b", "b1", "m").contains("c", "c1"));
        assertThat(parts).anySatisfy(p -> assertThat(p).startsWith("a", "a1", "a2"));
        assertThat(parts.stream().flatMap(List::stream)).containsExactlyInAnyOrder("a", "a1", "a2", "b", "b1", "c", "c1", "p1", "p2", "m");
        assertThat(parts.stream().flatMap(List::stream)).doesNotContain("p");
    }

    @Test
    void morePartitionsThanSubtreesLeavesSomeEmpty() {
        List<List<String>> parts = Partitions.of(List.of(row("a", "build"), row("b", "none"), row("c", "publish", "b")), 4);
        assertThat(parts).hasSize(4);
        assertThat(parts.stream().filter(List::isEmpty).count()).isEqualTo(2);
    }
}
