// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (RoleSensitive); the real class comes from the Jenkins repository.
package org.jenkinsci.remoting;

public interface RoleSensitive {
    void checkRoles(RoleChecker checker) throws SecurityException;
}
