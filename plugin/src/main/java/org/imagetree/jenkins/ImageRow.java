package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * One image of a plan or a build, as the build page and the Groovy result show it. A plain class with getters
 * (not a record) so that Jelly ({@code row.name}) and the build's XML persistence read it like any Jenkins bean.
 */
public final class ImageRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String tag;
    private final String label;
    private final String state;
    private final String action;
    private final String digest;
    private final long seconds;
    private final String reason;
    private final int level;
    private final ArrayList<String> parents;

    /**
     * @param state   build: published, built, unchanged, not-selected, failed, skipped; plan: published, built, to-build
     * @param action  plan only: build, publish, none, blocked (null for a build)
     * @param seconds time spent in this run (0 for a plan)
     * @param level   depth in the tree (roots are 0)
     */
    public ImageRow(String name, String tag, String label, String state, String action, String digest, long seconds,
                    String reason, int level, List<String> parents) {
        this.name = name;
        this.tag = tag;
        this.label = label;
        this.state = state;
        this.action = action;
        this.digest = digest == null ? "" : digest;
        this.seconds = seconds;
        this.reason = reason == null ? "" : reason;
        this.level = level;
        this.parents = new ArrayList<>(parents);
    }

    public String getName() { return name; }
    public String getTag() { return tag; }
    public String getLabel() { return label; }
    public String getState() { return state; }
    public String getAction() { return action; }
    public String getDigest() { return digest; }
    public long getSeconds() { return seconds; }
    public String getReason() { return reason; }
    public int getLevel() { return level; }
    public List<String> getParents() { return List.copyOf(parents); }

    /** This row with every secret in its reason masked (for what the build stores). */
    ImageRow masked(SecretMasker masker) {
        return new ImageRow(name, tag, label, state, action, digest, seconds, masker.mask(reason), level, parents);
    }

    /** Whether this image makes a build fail: it failed, or a parent failed so it was skipped. */
    public boolean isFailed() { return "failed".equals(state) || "skipped".equals(state); }

    /** The name indented by tree level, for the page's tree column. */
    public String getIndentedName() { return "\u00a0\u00a0\u00a0\u00a0".repeat(level) + name; }

    /** A Groovy-friendly map (JEP-200 safe types only): name, tag, label, state, digest, reason, duration, parents. */
    public HashMap<String, Object> toMap() {
        HashMap<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("tag", tag);
        m.put("label", label);
        m.put("state", state);
        if (action != null) m.put("action", action);
        m.put("digest", digest);
        m.put("reason", reason);
        m.put("duration", seconds);
        m.put("parents", new ArrayList<>(parents));
        return m;
    }

    @Override
    public String toString() { return label + " " + state + (reason.isEmpty() ? "" : " (" + reason + ")"); }
}
