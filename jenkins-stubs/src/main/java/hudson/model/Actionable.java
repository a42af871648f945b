// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (Run extends Actionable: addAction(Action), getAction(Class<T>)); the real class comes from the Jenkins repository.
package hudson.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

public abstract class Actionable {
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    public void addAction(Action a) {
        actions.add(a);
    }

    public <T extends Action> T getAction(Class<T> type) {
        for (Action a : actions) if (type.isInstance(a)) return type.cast(a);
        return null;
    }
}
