// Compile-only stub (jenkins-stubs), checked against jenkinsci/plain-credentials-plugin tag 199.v9f8e1f741799 (the version the BOM bom-2.555.x manages), src/main/java/org/jenkinsci/plugins/plaincredentials/StringCredentials.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.util.Secret;

public interface StringCredentials extends StandardCredentials {
    Secret getSecret();
}
