// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Item.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;

public interface Item extends AccessControlled {
    /** Compile-only: the real one is the "Build" permission of the item group; offline nothing checks permissions. */
    Permission BUILD = Permission.HUDSON_ADMINISTER;

    String getFullName();

    String getFullDisplayName();
}
