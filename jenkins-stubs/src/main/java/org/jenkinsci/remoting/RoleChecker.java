// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 / Appendix (RoleChecker); the real class comes from the Jenkins repository.
package org.jenkinsci.remoting;

public abstract class RoleChecker {
}
