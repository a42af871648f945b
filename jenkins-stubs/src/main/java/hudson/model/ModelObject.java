// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/ModelObject.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public interface ModelObject {
    String getDisplayName();
}
