package org.imagetree.jenkins;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One Image Tree action per run, one section per tree, secrets masked before they are stored. */
class ImageTreeActionTest {
    private static ImageRow row(String name, String state, String reason) {
        return new ImageRow(name, "1", "r/" + name + ":1", state, null, "sha256:0", 1, reason, 0, List.of());
    }

    @Test
    void severalTreesOfOneRunShareOneMaskedAction() {
        TestStepContext.TestRun run = new TestStepContext.TestRun();
        SecretMasker masker = new SecretMasker(List.of("hunter2-secret"));
        ImageTreeAction first = ImageTreeAction.record(run, "images", List.of(row("a", "published", ""),
                row("b", "failed", "push refused for bot:hunter2-secret")), "summary with hunter2-secret", masker);
        ImageTreeAction second = ImageTreeAction.record(run, "istio", List.of(row("c", "published", "")), "ok", masker);

        assertThat(second).isSameAs(first);
        assertThat(run.getActions(ImageTreeAction.class)).hasSize(1);
        assertThat(first.getRun()).as("a RunAction2 is told its run").isSameAs(run);
        assertThat(first.getUrlName()).isEqualTo("image-tree");
        assertThat(first.getSections()).extracting(ImageTreeAction.Section::getDirectory).containsExactly("images", "istio");
        assertThat(first.getImages()).extracting(ImageRow::getReason).doesNotContain("push refused for bot:hunter2-secret")
                .contains("push refused for bot:****");
        assertThat(first.getSections().get(0).getSummary()).isEqualTo("summary with ****");
        assertThat(first.getCounts()).isEqualTo("3 image(s): 2 published, 1 failed");
        assertThat(first.isFailed()).isTrue();
    }
}
