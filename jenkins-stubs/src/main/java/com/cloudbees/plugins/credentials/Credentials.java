// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/Credentials.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials;

import hudson.ExtensionPoint;
import hudson.model.Describable;
import java.io.Serializable;

public interface Credentials extends Describable<Credentials>, Serializable, ExtensionPoint {
    CredentialsScope getScope();
}
