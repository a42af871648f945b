// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.3; the real class comes from the Jenkins repository.
package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;
import hudson.util.Secret;

public interface PasswordCredentials extends Credentials {
    Secret getPassword();
}
