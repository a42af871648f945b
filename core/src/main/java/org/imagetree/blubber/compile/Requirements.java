package org.imagetree.blubber.compile;

import org.imagetree.blubber.config.Artifact;
import org.imagetree.blubber.config.PathUtil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Normalisation and grouping of builder requirements (spec §3.4). */
public final class Requirements {
    private Requirements() {}

    /** path.Clean(source), with a trailing "/" kept for directories ("" and "." become "./"). */
    public static String normalizedSource(String source) {
        String c = PathUtil.clean(source);
        if (c.equals("/")) return c;
        if (source.endsWith("/") || c.equals(".")) return c + "/";
        return c;
    }

    static boolean isDirectory(String source) {
        return source.endsWith("/") || PathUtil.clean(source).equals(".");
    }

    public static String normalizedDestination(Artifact a) {
        boolean dir = isDirectory(a.source());
        if (a.destination().isEmpty()) {
            if (dir) return a.source().isEmpty() ? "./" : a.source();
            return PathUtil.dir(a.source()) + "/";
        }
        String d = PathUtil.clean(a.destination());
        if ((dir || a.destination().endsWith("/")) && !d.endsWith("/")) d += "/";
        return d;
    }

    /** Where a requirement file ends up, relative to the working directory (for pip -r). */
    public static String effectiveDestination(Artifact a) {
        String d = normalizedDestination(a);
        // "." (the working directory, e.g. destination: .) is a directory too: Blubber gives -r requirements.txt.
        if ((d.endsWith("/") || d.equals(".")) && !isDirectory(a.source())) {
            return PathUtil.clean((d.endsWith("/") ? d : d + "/") + PathUtil.base(a.source()));
        }
        return d;
    }

    /** Grouped by from (first appearance), then by normalised destination (first appearance). */
    static List<CopyGroup> group(List<Artifact> requirements) {
        Map<String, Map<String, List<Artifact>>> byFrom = new LinkedHashMap<>();
        for (Artifact a : requirements) {
            String from = a.isLocal() ? "" : a.from();
            byFrom.computeIfAbsent(from, k -> new LinkedHashMap<>())
                    .computeIfAbsent(normalizedDestination(a), k -> new ArrayList<>()).add(a);
        }
        List<CopyGroup> out = new ArrayList<>();
        byFrom.forEach((from, byDest) -> byDest.forEach((dest, list) -> {
            List<String> sources = list.stream().map(a -> normalizedSource(a.source())).toList();
            List<String> excludes = list.stream().flatMap(a -> a.exclude().stream()).toList();
            out.add(new CopyGroup(from, sources, dest, excludes));
        }));
        return out;
    }
}
