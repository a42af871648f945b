package org.imagetree.template;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Full image labels {@code [registry[:port]/][namespace/]name:tag}, looked up by repository as docker-pkg's
 * {@code image_tag} does, except that a registry with a port is matched too (the tag is split at the
 * last {@code :} after the last {@code /}). Immutable.
 */
final class ImageLabels {
    /** First label with a tag per repository: image_tag is asked once or more per template, so a scan would make a tree quadratic. */
    private final Map<String, String> byRepository;

    ImageLabels(Collection<String> labels) {
        Map<String, String> index = new HashMap<>();
        for (String l : labels) repository(l).ifPresent(r -> index.putIfAbsent(r, l));
        this.byRepository = Map.copyOf(index);
    }

    /** The first label whose repository equals {@code repository} and that has a tag. */
    Optional<String> find(String repository) {
        return Optional.ofNullable(byRepository.get(repository));
    }

    /**
     * A label with a tag whose repository's last part is {@code name} (under any registry or namespace): what
     * {@code image_tag} may have been meant to find when it found nothing. Scans; only asked after a failed lookup.
     */
    Optional<String> sameName(String name) {
        return byRepository.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().endsWith("/" + name))
                .map(Map.Entry::getValue).sorted().findFirst();
    }

    /** The repository part of a label with a tag; empty when the label has no tag. */
    static Optional<String> repository(String label) {
        int colon = tagColon(label);
        return colon < 0 ? Optional.empty() : Optional.of(label.substring(0, colon));
    }

    /** The tag of a label, empty when it has none. */
    static Optional<String> tag(String label) {
        int colon = tagColon(label);
        return colon < 0 ? Optional.empty() : Optional.of(label.substring(colon + 1));
    }

    private static int tagColon(String label) {
        int colon = label.lastIndexOf(':');
        return colon > label.lastIndexOf('/') ? colon : -1;
    }

    /** Python's {@code os.path.join} on POSIX (empty parts add nothing, an absolute part restarts). */
    static String pathJoin(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.startsWith("/")) {
                sb.setLength(0);
                sb.append(p);
            } else if (sb.length() == 0 || sb.charAt(sb.length() - 1) == '/') {
                sb.append(p);
            } else {
                sb.append('/').append(p);
            }
        }
        return sb.toString();
    }
}
