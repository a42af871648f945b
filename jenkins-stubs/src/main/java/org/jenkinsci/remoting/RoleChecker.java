// Compile-only stub (jenkins-stubs), checked against jenkinsci/remoting tag 3355.v388858a_47b_33 (the version jenkins-2.555.3 pins), src/main/java/org/jenkinsci/remoting/RoleChecker.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.remoting;

public abstract class RoleChecker {
}
