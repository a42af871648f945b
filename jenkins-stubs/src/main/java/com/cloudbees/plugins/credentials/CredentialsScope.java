// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/CredentialsScope.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials;

import java.io.Serializable;

public enum CredentialsScope implements Serializable {
    /** Only for Jenkins itself and its nodes: never found by a lookup for an item (a job and its runs). */
    SYSTEM,
    /** For Jenkins and every item below the store's context. */
    GLOBAL,
    /** Only for the user who owns the credential. */
    USER
}
