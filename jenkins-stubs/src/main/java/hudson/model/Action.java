// Compile-only stub (jenkins-stubs): signature copied from jenkinsci/jenkins core/src/main/java/hudson/model/Action.java (not in jenkins-api.md; Run.addAction(Action) is); the real class comes from the Jenkins repository.
package hudson.model;

public interface Action extends ModelObject {
    String getIconFileName();

    @Override
    String getDisplayName();

    String getUrlName();
}
