package org.imagetree.read;

import java.util.List;

import org.imagetree.model.ImageDefinition;

/**
 * What {@link ImageScanner#scan} found.
 *
 * @param images   every image in walk order: depth first, parents before nested images, siblings sorted by name
 * @param warnings directories that look like half an image (one of template and changelog), in walk order
 */
public record ScanResult(List<ImageDefinition> images, List<String> warnings) {
    public ScanResult {
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
    }
}
