package org.imagetree.jenkins;

import hudson.model.Action;

import java.util.ArrayList;
import java.util.List;

/**
 * The build page's record of one {@code buildImageTree}: the table of images (state, tag, digest, duration,
 * reason) indented as the tree. Saved with the build (plain serializable fields only).
 */
public final class ImageTreeAction implements Action {
    private final String directory;
    private final String urlName;
    private final ArrayList<ImageRow> images;
    private final String summary;

    public ImageTreeAction(String directory, List<ImageRow> images, String summary) {
        this.directory = directory;
        String slug = directory.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        this.urlName = slug.isEmpty() ? "image-tree" : "image-tree-" + slug;
        this.images = new ArrayList<>(images);
        this.summary = summary;
    }

    public String getDirectory() { return directory; }

    public List<ImageRow> getImages() { return List.copyOf(images); }

    public String getSummary() { return summary; }

    public long count(String state) { return images.stream().filter(r -> state.equals(r.getState())).count(); }

    public boolean isFailed() { return images.stream().anyMatch(ImageRow::isFailed); }

    @Override
    public String getIconFileName() { return "/plugin/image-tree/images/image-tree.svg"; }

    @Override
    public String getDisplayName() { return Texts.get("ImageTreeAction.DisplayName") + " (" + directory + ")"; }

    @Override
    public String getUrlName() { return urlName; }
}
