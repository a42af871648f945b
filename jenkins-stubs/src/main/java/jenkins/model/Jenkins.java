// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/jenkins/model/Jenkins.java: a subset of its signatures, nothing it lacks.
package jenkins.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

import hudson.model.ItemGroup;
import hudson.security.AccessControlled;
import hudson.security.Permission;

/**
 * Outside a running Jenkins there is no instance: {@link #get()} throws, exactly as the real one does then. As in the
 * real one, it throws because the instance is missing, not unconditionally, so SpotBugs does not take the code after
 * a {@code Jenkins.get()} (or after any stub that calls it) for dead code and analyses it as the hpi build does.
 */
public abstract class Jenkins implements ItemGroup, AccessControlled {
    public static final Permission ADMINISTER = Permission.HUDSON_ADMINISTER;

    private Jenkins() {}

    /** Set by a running Jenkins (the real one keeps it in a holder); never here. */
    private static volatile Jenkins theInstance;

    public static Jenkins get() throws IllegalStateException {
        Jenkins instance = getInstanceOrNull();
        if (instance == null) {
            throw new IllegalStateException("Jenkins.instance is missing. Read the documentation of Jenkins.getInstanceOrNull to see what you are doing wrong.");
        }
        return instance;
    }

    @CheckForNull
    public static Jenkins getInstanceOrNull() { return theInstance; }

    /** Never called offline (there is no instance). */
    public final <T extends hudson.model.Item> T getItem(String pathName, hudson.model.Item context, Class<T> type) { return null; }

    /** Never called offline (there is no instance). */
    @CheckForNull
    public hudson.Plugin getPlugin(String shortName) { return null; }

    /** The calling thread's authentication; offline there is none (the real one reads Spring's SecurityContextHolder). */
    public static org.springframework.security.core.Authentication getAuthentication2() { return hudson.security.ACL.SYSTEM2; }
}
