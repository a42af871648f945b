// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/Plugin.java: a subset of its signatures, nothing it lacks.
package hudson;

public abstract class Plugin {
}
