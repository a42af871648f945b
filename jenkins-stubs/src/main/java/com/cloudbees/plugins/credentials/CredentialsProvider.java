// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.3 (the 3-argument findCredentialById); the real class comes from the Jenkins repository.
package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Run;

/** Outside Jenkins there is no credentials store: nothing is ever found. */
public abstract class CredentialsProvider extends Descriptor<CredentialsProvider> implements ExtensionPoint, Describable<CredentialsProvider> {
    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run) {
        return null;
    }
}
