// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/security/ACLContext.java: a subset of its signatures, nothing it lacks.
package hudson.security;

public class ACLContext implements AutoCloseable {
    ACLContext() {}

    @Override
    public void close() {}
}
