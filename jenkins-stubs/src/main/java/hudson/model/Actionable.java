// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Actionable.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** As the real class: a copy-on-write list of actions (the real getAllActions also asks TransientActionFactory). */
public abstract class Actionable {
    private volatile CopyOnWriteArrayList<Action> actions;

    public List<Action> getActions() {
        synchronized (this) {
            if (actions == null) actions = new CopyOnWriteArrayList<>();
            return actions;
        }
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Action a : getActions()) if (type.isInstance(a)) out.add(type.cast(a));
        return out;
    }

    public void addAction(Action a) {
        if (a == null) throw new IllegalArgumentException("Action must be non-null");
        getActions().add(a);
    }

    public void replaceAction(Action a) { addOrReplaceAction(a); }

    public boolean addOrReplaceAction(Action a) {
        if (a == null) throw new IllegalArgumentException("Action must be non-null");
        List<Action> old = new ArrayList<>(1);
        List<Action> current = getActions();
        boolean found = false;
        for (Action a2 : current) {
            if (!found && a.equals(a2)) {
                found = true;
            } else if (a2.getClass() == a.getClass()) {
                old.add(a2);
            }
        }
        current.removeAll(old);
        if (!found) addAction(a);
        return !found || !old.isEmpty();
    }

    public boolean removeAction(Action a) {
        if (a == null) return false;
        return getActions().removeAll(Set.of(a));
    }

    public <T extends Action> T getAction(Class<T> type) {
        for (Action a : getActions()) if (type.isInstance(a)) return type.cast(a);
        return null;
    }
}
