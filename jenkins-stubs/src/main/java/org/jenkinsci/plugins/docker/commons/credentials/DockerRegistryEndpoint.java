// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.4 (DockerRegistryEndpoint; both arguments run through Util.fixEmpty); the real class comes from the Jenkins repository.
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
