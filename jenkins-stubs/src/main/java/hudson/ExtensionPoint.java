// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.1 (Step implements hudson.ExtensionPoint); the real class comes from the Jenkins repository.
package hudson;

public interface ExtensionPoint {}
