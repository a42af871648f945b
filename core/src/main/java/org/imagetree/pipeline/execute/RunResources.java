package org.imagetree.pipeline.execute;

import org.imagetree.execute.EngineException;
import org.imagetree.pipeline.report.StageResult;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What one pipeline's run has made, shared by its stages (which run at the same time): containers, local image names,
 * published tags, helm releases. The teardown removes them all.
 */
final class RunResources {
    private static final Pattern HEX_ID = Pattern.compile("(sha256:)?([0-9a-f]{12,64})");
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final SecureRandom random;
    private final List<String> containers = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, StageResult.BuiltImage> images = new ConcurrentHashMap<>(); // by local name
    private final List<String> publishedTags = Collections.synchronizedList(new ArrayList<>());
    private final List<String> releases = Collections.synchronizedList(new ArrayList<>());

    RunResources(SecureRandom random) {
        this.random = random;
    }

    /** Eight random lower-case letters and digits, for names of containers and local images unique to the run. */
    String random8() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) b.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
        return b.toString();
    }

    void addContainer(String name) { containers.add(name); }

    boolean ranContainer(String name) { return containers.contains(name); }

    /** Records an image (or, with an empty ID, reserves its local name before the build starts) under its local name. */
    void addImage(StageResult.BuiltImage image) { images.put(image.localName(), image); }

    /** The local names of the images of the run, built or being built. */
    Set<String> imageNames() { return Set.copyOf(images.keySet()); }

    void addPublishedTag(String reference) { publishedTags.add(reference); }

    void addRelease(String release) { releases.add(release); }

    /** The image an ID or local name designates, among the images this run built. */
    StageResult.BuiltImage ownImage(String field, String image) throws StepFailure {
        StageResult.BuiltImage byName = images.get(image);
        if (byName != null && !byName.id().isEmpty()) return byName;
        java.util.regex.Matcher m = HEX_ID.matcher(image);
        if (m.matches()) {
            for (StageResult.BuiltImage b : images.values()) {
                if (!b.id().isEmpty() && b.id().startsWith(m.group(2))) return b;
            }
        }
        throw new StepFailure(field + ": '" + image + "' is not an image this pipeline built (PipelineLib runs and publishes the images"
                + " its stages build, by ID: ${STAGE.imageID})");
    }

    /** Removes what the run made: containers, local names and published tags, images left untagged, releases. */
    List<String> teardown(PipelineBackend backend, HelmDeployer helm, Consumer<String> log) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        for (String c : List.copyOf(containers)) {
            try {
                backend.removeContainer(c);
            } catch (EngineException e) {
                problems.add("cannot remove the container " + c + ": " + e.getMessage());
            }
        }
        List<String> tags = new ArrayList<>(publishedTags);
        tags.addAll(images.keySet());
        for (String t : tags) {
            try {
                backend.removeImage(t);
            } catch (EngineException e) {
                problems.add("cannot remove " + t + ": " + e.getMessage());
            }
        }
        if (!releases.isEmpty() && !helm.purge(List.copyOf(releases), log)) {
            problems.add("cannot uninstall the releases " + releases);
        }
        problems.forEach(log);
        return problems;
    }
}
