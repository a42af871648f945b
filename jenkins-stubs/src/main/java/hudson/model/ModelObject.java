// Compile-only stub (jenkins-stubs): signature copied from jenkinsci/jenkins core/src/main/java/hudson/model/ModelObject.java (not in jenkins-api.md; parent of Action); the real class comes from the Jenkins repository.
package hudson.model;

public interface ModelObject {
    String getDisplayName();
}
