package org.imagetree.template;

import org.imagetree.read.DebianVersion;

/** docker-pkg's {@code upstream_version} filter: the upstream part of an image label's tag. */
final class UpstreamVersion {
    private UpstreamVersion() {}

    /**
     * {@code php8.1-fpm:8.1.30-1-20240929} gives {@code 8.1.30}: take the tag; when it has more than one
     * {@code -}, keep its first two dash-separated parts; then the Debian upstream version of that.
     */
    static String of(String label) {
        String tag = ImageLabels.tag(label)
                .orElseThrow(() -> new FilterFailure("upstream_version: '" + label + "' has no tag"));
        String[] parts = tag.split("-", -1);
        String version = parts.length > 2 ? parts[0] + "-" + parts[1] : tag;
        try {
            return DebianVersion.parse(version).upstream();
        } catch (IllegalArgumentException e) {
            throw new FilterFailure("upstream_version: " + e.getMessage());
        }
    }
}
