// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2; the real class comes from the Jenkins repository.
package hudson.model;

@Deprecated
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
}
