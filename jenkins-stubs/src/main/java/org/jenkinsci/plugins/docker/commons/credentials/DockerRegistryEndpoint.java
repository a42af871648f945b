// Compile-only stub (jenkins-stubs), checked against jenkinsci/docker-commons-plugin tag 472.vee120e23d3a_c (newest tag in the mirror; the BOM manages 477.v289085a_b_6896), src/main/java/org/jenkinsci/plugins/docker/commons/credentials/DockerRegistryEndpoint.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.docker.commons.credentials;

import hudson.model.AbstractDescribableImpl;
import org.kohsuke.stapler.DataBoundConstructor;

@SuppressWarnings("deprecation")
public class DockerRegistryEndpoint extends AbstractDescribableImpl<DockerRegistryEndpoint> {
    private final String url;
    private final String credentialsId;

    @DataBoundConstructor
    public DockerRegistryEndpoint(String url, String credentialsId) {
        this.url = fixEmpty(url);
        this.credentialsId = fixEmpty(credentialsId);
    }

    private static String fixEmpty(String s) { return s == null || s.isEmpty() ? null : s; }

    public String getUrl() { return url; }

    public String getCredentialsId() { return credentialsId; }
}
