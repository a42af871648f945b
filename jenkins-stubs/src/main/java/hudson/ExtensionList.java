// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/ExtensionList.java: a subset of its signatures, nothing it lacks.
package hudson;

import java.util.AbstractList;

/**
 * Outside Jenkins the real {@code lookup} gives an empty list (no Jenkins to ask), so {@code lookupSingleton}
 * throws: the stub can only be empty, and does the same.
 */
public class ExtensionList<T> extends AbstractList<T> {
    private ExtensionList() {}

    public static <T> ExtensionList<T> lookup(Class<T> type) { return new ExtensionList<>(); }

    public static <U> U lookupSingleton(Class<U> type) {
        ExtensionList<U> all = lookup(type);
        if (all.size() != 1) throw new IllegalStateException("Expected 1 instance of " + type.getName() + " but got " + all.size());
        return all.get(0);
    }

    public <U extends T> U get(Class<U> type) {
        for (T t : this) if (type.isInstance(t)) return type.cast(t);
        return null;
    }

    @Override
    public T get(int index) { throw new IndexOutOfBoundsException(index); }

    @Override
    public int size() { return 0; }
}
