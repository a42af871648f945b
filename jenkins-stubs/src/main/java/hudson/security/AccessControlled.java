// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/security/AccessControlled.java: a subset of its signatures, nothing it lacks.
package hudson.security;

public interface AccessControlled {
    /** The real default asks the object's ACL for the current authentication; the stub has no ACL to ask. */
    default boolean hasPermission(Permission permission) {
        jenkins.model.Jenkins.get(); // no ACL outside a running Jenkins
        return false;
    }

    default void checkPermission(Permission permission) {
        jenkins.model.Jenkins.get(); // no ACL outside a running Jenkins
    }
}
