// Compile-only stub (jenkins-stubs): signature copied from jenkinsci/jenkins core/src/main/java/hudson/ExtensionList.java: <U extends T> U get(Class<U>) (not in jenkins-api.md); the real class comes from the Jenkins repository.
package hudson;

import java.util.AbstractList;
import java.util.List;

/** Outside Jenkins no extension is registered: the stub list is empty. */
public class ExtensionList<T> extends AbstractList<T> {
    private final List<T> items;

    protected ExtensionList(List<T> items) { this.items = List.copyOf(items); }

    public static <T> ExtensionList<T> empty() { return new ExtensionList<>(List.of()); }

    public <U extends T> U get(Class<U> type) {
        for (T t : items) if (type.isInstance(t)) return type.cast(t);
        return null;
    }

    @Override
    public T get(int index) { return items.get(index); }

    @Override
    public int size() { return items.size(); }
}
