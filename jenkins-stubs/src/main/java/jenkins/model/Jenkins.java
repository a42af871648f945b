// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/model/Jenkins.java: a subset of its signatures, nothing it lacks.
package jenkins.model;

import hudson.model.ItemGroup;
import hudson.security.AccessControlled;
import hudson.security.Permission;

/** Outside a running Jenkins there is no instance: {@link #get()} throws, exactly as the real one does then. */
public abstract class Jenkins implements ItemGroup, AccessControlled {
    public static final Permission ADMINISTER = Permission.HUDSON_ADMINISTER;

    private Jenkins() {}

    public static Jenkins get() throws IllegalStateException {
        throw new IllegalStateException("Jenkins.instance is missing. Read the documentation of Jenkins.getInstanceOrNull to see what you are doing wrong.");
    }

    public static Jenkins getInstanceOrNull() { return null; }
}
