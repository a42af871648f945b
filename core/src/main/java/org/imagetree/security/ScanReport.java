package org.imagetree.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.imagetree.report.SafeText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of a scan: per image read from the registry, the packages for which a newer version is available, with
 * whether the image's own layers installed them ({@code own}) or its parent's did ({@code parent}); images that could
 * not be read (a registry that is unreachable or lies, an image that is not ours, content past a limit) as rows with
 * their error, the rest of the report made all the same; images that could not be judged (not published, no dpkg
 * database, unknown suite) as warnings; and what the scan cost. Text from images and registries is printed escaped
 * ({@link SafeText}).
 */
public record ScanReport(List<ImageScan> images, List<String> warnings, Stats stats) {
    public ScanReport {
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
    }

    /** Where an outdated package comes from. */
    public enum From {
        OWN, PARENT;

        public String json() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Outdated(String name, String installed, String available, From from) {}

    /**
     * @param name      the tree image's name, or the repository for a plain reference
     * @param reference what was read ({@code registry/name:tag})
     * @param parent    the reference the {@code from} judgement compared with, if any
     * @param error     why the image could not be read (then nothing else is known of it)
     */
    public record ImageScan(String name, String tag, String reference, String digest, String suite, List<Outdated> packages,
                            Optional<String> parent, long bytesRead, Optional<String> error) {
        public ImageScan {
            packages = List.copyOf(packages);
            java.util.Objects.requireNonNull(error, "error");
        }

        public ImageScan(String name, String tag, String reference, String digest, String suite, List<Outdated> packages,
                         Optional<String> parent, long bytesRead) {
            this(name, tag, reference, digest, suite, packages, parent, bytesRead, Optional.empty());
        }

        /** A row for an image that could not be read. */
        public static ImageScan failed(String name, String tag, String reference, String error) {
            return new ImageScan(name, tag, reference, "", "", List.of(), Optional.empty(), 0, Optional.of(error));
        }

        public boolean failed() { return error.isPresent(); }

        public boolean outdated() { return !packages.isEmpty(); }

        public List<Outdated> own() { return packages.stream().filter(p -> p.from() == From.OWN).toList(); }

        public List<Outdated> inherited() { return packages.stream().filter(p -> p.from() == From.PARENT).toList(); }
    }

    /** Cost of the scan: wall time, compressed layer bytes read, distinct layers read, APT index bytes. */
    public record Stats(long millis, long layerBytes, long layerReads, long indexBytes) {}

    public boolean updatesPending() { return images.stream().anyMatch(ImageScan::outdated); }

    /** Whether some image could not be read (its row says why). */
    public boolean failed() { return images.stream().anyMatch(ImageScan::failed); }

    public List<ImageScan> failures() { return images.stream().filter(ImageScan::failed).toList(); }

    public Optional<ImageScan> get(String name) { return images.stream().filter(i -> i.name().equals(name)).findFirst(); }

    /**
     * {@code {"images": [{"name", "tag", "digest", "suite", "packages": [{"name", "installed", "available", "from"}],
     * "error"}]}}; {@code error} only on an image that could not be read.
     */
    public String json() {
        ObjectMapper m = SafeText.json(new ObjectMapper()).enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        ArrayNode arr = root.putArray("images");
        for (Map<String, Object> i : asMaps()) arr.add(m.valueToTree(i));
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The images as plain maps and lists (the JSON's shape), e.g. for a Jenkins step's return value. */
    public List<Map<String, Object>> asMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageScan i : images) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", i.name());
            o.put("tag", i.tag());
            o.put("digest", i.digest());
            o.put("suite", i.suite());
            List<Map<String, Object>> pkgs = new ArrayList<>();
            for (Outdated p : i.packages()) {
                Map<String, Object> po = new LinkedHashMap<>();
                po.put("name", p.name());
                po.put("installed", p.installed());
                po.put("available", p.available());
                po.put("from", p.from().json());
                pkgs.add(po);
            }
            o.put("packages", pkgs);
            i.error().ifPresent(e -> o.put("error", e));
            out.add(o);
        }
        return out;
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        int outdated = 0;
        int failed = 0;
        for (ImageScan i : images) {
            if (i.failed()) {
                failed++;
                b.append(SafeText.escape(i.name())).append(':').append(SafeText.escape(i.tag())).append(": not read: ")
                        .append(SafeText.escape(i.error().orElseThrow())).append('\n');
                continue;
            }
            if (!i.outdated()) continue;
            outdated++;
            b.append(SafeText.escape(i.name())).append(':').append(SafeText.escape(i.tag())).append(" (").append(SafeText.escape(i.suite())).append(", ")
                    .append(shortDigest(i.digest())).append("): ").append(i.packages().size()).append(" outdated package")
                    .append(i.packages().size() == 1 ? "" : "s").append('\n');
            for (Outdated p : i.packages()) {
                b.append("  ").append(SafeText.escape(p.name())).append(' ').append(SafeText.escape(p.installed())).append(" -> ")
                        .append(SafeText.escape(p.available())).append(" (").append(p.from().json()).append(")\n");
            }
        }
        b.append(images.size()).append(" image").append(images.size() == 1 ? "" : "s").append(" scanned, ")
                .append(outdated).append(" with security updates pending");
        if (failed > 0) b.append(", ").append(failed).append(" not read");
        b.append('\n');
        return b.toString();
    }

    static String shortDigest(String d) {
        return d == null ? "" : SafeText.escape(d.length() > 19 ? d.substring(0, 19) : d);
    }
}
