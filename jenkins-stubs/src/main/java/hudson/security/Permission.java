// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/security/Permission.java: a subset of its signatures, nothing it lacks.
package hudson.security;

/** Only the constant the plugin names; real permissions are made by Jenkins' permission groups. */
public final class Permission {
    public static final Permission HUDSON_ADMINISTER = new Permission();

    private Permission() {}
}
