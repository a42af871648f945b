package org.imagetree.registry;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 5988 {@code Link} headers, as registries use them for pagination. */
final class LinkHeader {
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

    private LinkHeader() {}

    /** The {@code rel="next"} target resolved against the request URI, if any. */
    static Optional<URI> next(URI requestUri, List<String> headerValues) {
        for (String value : headerValues) {
            Matcher m = LINK.matcher(value);
            while (m.find()) {
                Matcher rel = REL_NEXT.matcher(m.group(2));
                while (rel.find()) {
                    for (String r : rel.group(1).trim().split("\\s+")) {
                        if (r.equalsIgnoreCase("next")) return Optional.of(requestUri.resolve(m.group(1).trim()));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
