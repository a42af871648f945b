package org.imagetree.plan;

import org.imagetree.model.TreeImage;

/**
 * One image of a plan.
 *
 * @param image  the image as modelled
 * @param state  where it exists now
 * @param action what the run will do
 * @param reason why, in words
 * @param digest the registry's digest when published, else null
 */
public record PlannedImage(TreeImage image, ImageState state, Action action, String reason, String digest) {
    public String name() { return image.name(); }
    public String label() { return image.label(); }
}
