package org.imagetree.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryToken;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;


/**
 * Manage Jenkins » System » Image Tree: default registry (URL and credentials), allowed registries and default
 * number of parallel image builds. Steps fall back to these when they do not say; the allowed registries are also
 * a ceiling that a repository's config file can narrow but not widen.
 */
@Extension
@Symbol("imageTree")
public class ImageTreeGlobalConfiguration extends GlobalConfiguration {
    private String registryUrl;
    private String credentialsId;
    private String allowedRegistries;
    private int jobs;

    public ImageTreeGlobalConfiguration() {
        load();
    }

    /** The registered instance (inside Jenkins only). */
    public static ImageTreeGlobalConfiguration get() {
        return ExtensionList.lookupSingleton(ImageTreeGlobalConfiguration.class);
    }

    public String getRegistryUrl() { return registryUrl; }

    @DataBoundSetter
    public void setRegistryUrl(String registryUrl) {
        this.registryUrl = blankToNull(registryUrl);
        save();
    }

    public String getCredentialsId() { return credentialsId; }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
        save();
    }

    public String getAllowedRegistries() { return allowedRegistries; }

    @DataBoundSetter
    public void setAllowedRegistries(String allowedRegistries) {
        this.allowedRegistries = blankToNull(allowedRegistries);
        save();
    }

    public int getJobs() { return jobs; }

    @DataBoundSetter
    public void setJobs(int jobs) {
        this.jobs = Math.max(0, jobs);
        save();
    }

    public StepDefaults defaults() {
        return new StepDefaults(registryUrl, credentialsId, StepDefaults.parseRegistries(allowedRegistries), jobs);
    }

    /**
     * The credentials an administrator may choose as the default registry login: exactly those a step can use for the
     * default registry. A step looks its credential up by run (credentials-plugin {@code findCredentialById}: as an
     * item, so never of SYSTEM scope) with the registry's host name as domain requirement, and converts it with
     * docker-commons' {@link AuthenticationTokens}; so this lists, from the root store, credentials that are not
     * SYSTEM-scoped, whose domain admits the host of {@code registryUrl} (the form's URL field: the list follows it),
     * and that convert to a {@link DockerRegistryToken}. POST only (the form's fill requests are), and only for
     * administrators: others see just the current value.
     */
    @POST
    public ListBoxModel doFillCredentialsIdItems(@QueryParameter String registryUrl, @QueryParameter String credentialsId) {
        Jenkins jenkins = Jenkins.get();
        if (!jenkins.hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(credentialsId);
        }
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, jenkins, StandardCredentials.class, JenkinsControllerSide.requirements(blankToNull(registryUrl)),
                        CredentialsMatchers.allOf(AuthenticationTokens.matcher(DockerRegistryToken.class), JenkinsControllerSide.USABLE_BY_JOBS))
                .includeCurrentValue(credentialsId);
    }

    @Override
    public String getDisplayName() { return Texts.get("GlobalConfiguration.DisplayName"); }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
