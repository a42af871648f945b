package org.imagetree.execute;

import org.imagetree.model.Glob;
import org.imagetree.model.ImageTree;
import org.imagetree.model.TreeImage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * docker-pkg's {@code prune}: for each selected image, children first, removes from the local engine every
 * image of its repository that does not carry the current label. The registry is never touched.
 */
public final class LocalPruner {
    private final ContainerEngine engine;

    public LocalPruner(ContainerEngine engine) { this.engine = engine; }

    /** @return the image references removed */
    public List<String> prune(ImageTree tree, Optional<String> select, String tagSuffix, BuildListener listener) throws EngineException {
        Optional<Glob> glob = select.map(Glob::new);
        List<String> order = new ArrayList<>(tree.order());
        Collections.reverse(order);
        List<String> removed = new ArrayList<>();
        for (String n : order) {
            TreeImage i = tree.get(n);
            if (glob.isPresent() && !glob.get().matches(i.label())) continue;
            String keep = i.label() + tagSuffix;
            for (ContainerEngine.LocalImage img : engine.listRepository(i.repository())) {
                if (img.repoTags().contains(i.label()) || img.repoTags().contains(keep)) continue;
                for (String tag : img.repoTags()) {
                    if (!tag.startsWith(i.repository() + ":")) continue;
                    listener.log(n, "removing " + tag);
                    engine.remove(tag);
                    removed.add(tag);
                }
            }
        }
        return removed;
    }
}
