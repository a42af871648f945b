package org.imagetree.jenkins;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The build page's record of every tree a run built: one action per run (one URL, {@code image-tree}), one section
 * per step call or tree ({@code buildImageTree} called for several directories, in parallel branches, or
 * {@code refreshImageTree}'s trees), each with the table of images (state, tag, digest, duration, reason)
 * indented as the tree and the engine's summary. Reasons and summaries are masked before they are stored. A
 * {@link RunAction2}: saved with the build (plain serializable fields) and shown on the build's page (summary).
 */
public final class ImageTreeAction extends RunRecordAction {
    private final CopyOnWriteArrayList<Section> sections = new CopyOnWriteArrayList<>();

    /** One tree of one step call. */
    public static final class Section implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String directory;
        private final ArrayList<ImageRow> images;
        private final String summary;

        Section(String directory, List<ImageRow> images, String summary) {
            this.directory = directory;
            this.images = new ArrayList<>(images);
            this.summary = summary;
        }

        public String getDirectory() { return directory; }

        public List<ImageRow> getImages() { return List.copyOf(images); }

        public String getSummary() { return summary; }

        public boolean isFailed() { return images.stream().anyMatch(ImageRow::isFailed); }
    }

    ImageTreeAction() {}

    /**
     * Adds a tree to the run's action (made on first use), masking every secret in its reasons and summary.
     * Parallel branches of one run may call it at the same time.
     */
    static ImageTreeAction record(Run<?, ?> run, String directory, List<ImageRow> rows, String summary, SecretMasker masker) {
        List<ImageRow> masked = rows.stream().map(r -> r.masked(masker)).toList();
        Section section = new Section(directory, masked, masker.mask(summary));
        return record(run, ImageTreeAction.class, ImageTreeAction::new, action -> action.sections.add(section));
    }

    public List<Section> getSections() { return List.copyOf(sections); }

    /** Every image of every section. */
    public List<ImageRow> getImages() {
        List<ImageRow> out = new ArrayList<>();
        for (Section s : sections) out.addAll(s.images);
        return out;
    }

    public long count(String state) { return getImages().stream().filter(r -> state.equals(r.getState())).count(); }

    public boolean isFailed() { return sections.stream().anyMatch(Section::isFailed); }

    /** For the build page's summary: "6 images: 5 published, 1 failed". */
    public String getCounts() {
        List<ImageRow> all = getImages();
        StringBuilder out = new StringBuilder(all.size() + " image(s)");
        String sep = ": ";
        for (String state : List.of("published", "built", "unchanged", "failed", "skipped")) {
            long n = count(state);
            if (n > 0) {
                out.append(sep).append(n).append(' ').append(state);
                sep = ", ";
            }
        }
        return out.toString();
    }

    @Override
    public String getDisplayName() { return Texts.get("ImageTreeAction.DisplayName"); }

    @Override
    public String getUrlName() { return "image-tree"; }
}
