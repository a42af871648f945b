// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/CredentialsProvider.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials;

import edu.umd.cs.findbugs.annotations.CheckForNull;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Run;
import java.util.List;
import jenkins.model.Jenkins;

/** Every lookup and the usage tracking need a running Jenkins (the real ones reach Jenkins.get()): here they throw. */
public abstract class CredentialsProvider extends Descriptor<CredentialsProvider> implements ExtensionPoint, Describable<CredentialsProvider> {
    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run) {
        return findCredentialById(id, type, run, List.of());
    }

    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run,
                                                                 DomainRequirement... domainRequirements) {
        return findCredentialById(id, type, run, List.of(domainRequirements));
    }

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run,
                                                                 List<DomainRequirement> domainRequirements) {
        Jenkins.get();
        return null; // not reached: there is no Jenkins
    }

    public static <C extends Credentials> C track(Run build, C credentials) {
        Jenkins.get();
        return credentials; // not reached: there is no Jenkins
    }
}
