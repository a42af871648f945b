package org.imagetree.jenkins;

import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Form values as the steps' data binding expects them: unset tri-states stay unset, text areas become lists. */
class FormFieldsTest {
    @Test
    void everyStepsTriStateAndListOptionsAreFound() {
        assertThat(FormFields.of(BuildImageTreeStep.class)).containsAllEntriesOf(Map.of(
                "publish", FormFields.Kind.TRI_STATE, "images", FormFields.Kind.LIST, "parentDigests", FormFields.Kind.LIST));
        assertThat(FormFields.of(RefreshImageTreeStep.class)).containsEntry("directories", FormFields.Kind.LIST)
                .containsEntry("distros", FormFields.Kind.LIST);
        assertThat(FormFields.of(BuildBaseImagesStep.class)).containsEntry("publish", FormFields.Kind.TRI_STATE);
        assertThat(FormFields.of(BlubberBuildStep.class)).containsEntry("tags", FormFields.Kind.LIST).containsEntry("buildArgs", FormFields.Kind.LIST);
        assertThat(FormFields.of(LintImageTreeStep.class)).isEmpty();
    }

    @Test
    void unsetStaysUnsetAndLinesBecomeAList() {
        JSONObject form = new JSONObject().element("publish", "").element("images", "tools\n\n  runtime \n")
                .element("parentDigests", "  \n").element("directory", "images");
        FormFields.normalize(BuildImageTreeStep.class, form);
        assertThat(form.has("publish")).isFalse();
        assertThat(form.get("images")).isInstanceOf(JSONArray.class);
        JSONArray images = (JSONArray) form.get("images");
        assertThat(images.size()).isEqualTo(2);
        assertThat(images.get(0)).isEqualTo("tools");
        assertThat(images.get(1)).isEqualTo("runtime");
        assertThat(form.has("parentDigests")).isFalse();
        assertThat(form.get("directory")).isEqualTo("images");

        JSONObject no = FormFields.normalize(BuildImageTreeStep.class, new JSONObject().element("publish", "false"));
        assertThat(no.get("publish")).isEqualTo(Boolean.FALSE);
        assertThat(FormFields.lines(java.util.List.of("a", "b"))).isEqualTo("a\nb");
        assertThat(FormFields.lines(null)).isEmpty();
    }
}
