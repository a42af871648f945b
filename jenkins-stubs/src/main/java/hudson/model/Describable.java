// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (current core: default getDescriptor()); the real class comes from the Jenkins repository.
package hudson.model;

public interface Describable<T extends Describable<T>> {
    default Descriptor<T> getDescriptor() {
        throw new UnsupportedOperationException("descriptors exist only inside Jenkins");
    }
}
