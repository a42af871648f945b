package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** What comes back from the agent after a plan or a build: serializable, JDK and plugin types only. */
public final class TreeRun implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ArrayList<ImageRow> rows;
    private final ArrayList<ArrayList<String>> waves;
    private final String summary;
    private final String tagSuffix;

    public TreeRun(List<ImageRow> rows, List<List<String>> waves, String summary) {
        this(rows, waves, summary, "");
    }

    /** @param tagSuffix the suffix the run's tags got (empty for release tags) */
    public TreeRun(List<ImageRow> rows, List<List<String>> waves, String summary, String tagSuffix) {
        this.rows = new ArrayList<>(rows);
        this.waves = new ArrayList<>();
        for (List<String> w : waves) this.waves.add(new ArrayList<>(w));
        this.summary = summary;
        this.tagSuffix = tagSuffix == null ? "" : tagSuffix;
    }

    public String tagSuffix() { return tagSuffix; }

    /**
     * {@code label@digest} of every published image that an image with work builds on: what the builds of a fanned-out
     * run must find unchanged.
     */
    public ArrayList<String> parentDigests() {
        java.util.Map<String, ImageRow> byName = new java.util.HashMap<>();
        for (ImageRow r : rows) byName.put(r.getName(), r);
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (ImageRow r : rows) {
            if (!"build".equals(r.getAction()) && !"publish".equals(r.getAction())) continue;
            for (String p : r.getParents()) {
                ImageRow parent = byName.get(p);
                if (parent != null && "none".equals(parent.getAction()) && !parent.getDigest().isEmpty()) {
                    out.add(parent.getLabel() + "@" + parent.getDigest());
                }
            }
        }
        return new ArrayList<>(out);
    }

    public List<ImageRow> rows() { return List.copyOf(rows); }

    /** Groups of image names; each group builds only after the groups before it. */
    public List<List<String>> waves() { return List.copyOf(waves); }

    /** The engine's summary table (build) or plan text (plan). */
    public String summary() { return summary; }

    public List<ImageRow> failed() { return rows.stream().filter(ImageRow::isFailed).toList(); }

    /** The rows as Groovy maps. */
    public ArrayList<HashMap<String, Object>> maps() {
        ArrayList<HashMap<String, Object>> out = new ArrayList<>();
        for (ImageRow r : rows) out.add(r.toMap());
        return out;
    }
}
