// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Describable.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public interface Describable<T extends Describable<T>> {
    default Descriptor<T> getDescriptor() {
        // The real one: Jenkins.get().getDescriptorOrDie(getClass()); no Jenkins here, so Jenkins.get() throws.
        jenkins.model.Jenkins.get();
        return null; // not reached: there is no Jenkins
    }
}
