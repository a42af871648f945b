package org.imagetree.blubber.config;

import java.util.List;

/** An extra APT source: {@code deb [signed-by=…] url distribution components…}. */
public record AptSource(String url, String distribution, List<String> components, String signedBy) {
    public AptSource {
        url = url == null ? "" : url;
        distribution = distribution == null ? "" : distribution;
        components = components == null ? List.of() : List.copyOf(components);
        signedBy = signedBy == null ? "" : signedBy;
    }
}
