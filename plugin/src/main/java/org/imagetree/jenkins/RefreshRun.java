package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** What comes back from the agent after a weekly refresh: base image maps and, per tree, its bumps and build rows. */
public final class RefreshRun implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One tree of the refresh: its directory (as the step named it), the changelogs bumped and the build. */
    public static final class Tree implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String directory;
        private final ArrayList<HashMap<String, Object>> bumps;
        private final TreeRun build;

        public Tree(String directory, List<HashMap<String, Object>> bumps, TreeRun build) {
            this.directory = directory;
            this.bumps = new ArrayList<>(bumps);
            this.build = build;
        }

        public String directory() { return directory; }

        public TreeRun build() { return build; }

        HashMap<String, Object> map() {
            HashMap<String, Object> m = new HashMap<>();
            m.put("directory", directory);
            m.put("bumps", new ArrayList<>(bumps));
            m.put("images", build.maps());
            return m;
        }
    }

    private final ArrayList<HashMap<String, Object>> bases;
    private final ArrayList<Tree> trees;

    public RefreshRun(List<HashMap<String, Object>> bases, List<Tree> trees) {
        this.bases = new ArrayList<>(bases);
        this.trees = new ArrayList<>(trees);
    }

    public List<HashMap<String, Object>> bases() { return List.copyOf(bases); }

    public List<Tree> trees() { return List.copyOf(trees); }

    /** {@code [bases: [[distro:, tags:, digest:, ...]], trees: [[directory:, bumps: [...], images: [...]]]]}. */
    public HashMap<String, Object> map() {
        HashMap<String, Object> m = new HashMap<>();
        m.put("bases", new ArrayList<>(bases));
        ArrayList<HashMap<String, Object>> t = new ArrayList<>();
        for (Tree tree : trees) t.add(tree.map());
        m.put("trees", t);
        return m;
    }
}
