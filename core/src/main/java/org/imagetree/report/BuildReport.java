package org.imagetree.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The outcome of a run, image by image, in the tree's order. */
public record BuildReport(List<ImageResult> images, Duration duration) {
    public BuildReport { images = List.copyOf(images); }

    public boolean succeeded() { return images.stream().noneMatch(i -> i.outcome().isFailure()); }

    public long count(Outcome o) { return images.stream().filter(i -> i.outcome() == o).count(); }

    /** A table for people: one row per image. */
    public String table() {
        int wn = "IMAGE".length();
        int wt = "TAG".length();
        for (ImageResult r : images) {
            wn = Math.max(wn, r.name().length());
            wt = Math.max(wt, r.tag().length());
        }
        String fmt = "%-" + wn + "s  %-" + wt + "s  %-12s  %-19s  %8s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, fmt, "IMAGE", "TAG", "OUTCOME", "DIGEST", "TIME", "REASON"));
        for (ImageResult r : images) {
            String d = r.digest() == null ? "-" : r.digest().length() > 19 ? r.digest().substring(0, 19) : r.digest();
            sb.append(String.format(Locale.ROOT, fmt, r.name(), r.tag(), r.outcome().label(), d,
                    String.format(Locale.ROOT, "%.1fs", r.duration().toMillis() / 1000.0), r.reason() == null ? "" : r.reason()));
        }
        sb.append(String.format(Locale.ROOT, "%d published, %d built, %d unchanged, %d failed, %d skipped in %.1fs%n",
                count(Outcome.PUBLISHED), count(Outcome.BUILT), count(Outcome.UNCHANGED), count(Outcome.FAILED),
                count(Outcome.SKIPPED), duration.toMillis() / 1000.0));
        return sb.toString();
    }

    public String json() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("succeeded", succeeded());
        root.put("seconds", duration.toMillis() / 1000.0);
        ArrayNode arr = root.putArray("images");
        for (ImageResult r : images) {
            ObjectNode o = arr.addObject();
            o.put("name", r.name());
            o.put("tag", r.tag());
            o.put("label", r.label());
            o.put("state", r.outcome().label());
            o.put("digest", r.digest());
            o.put("seconds", r.duration().toMillis() / 1000.0);
            o.put("reason", r.reason());
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
