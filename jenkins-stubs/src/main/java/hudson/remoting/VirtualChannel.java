// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (FileCallable.invoke(File, VirtualChannel)); the real class comes from the Jenkins repository.
package hudson.remoting;

public interface VirtualChannel {
}
