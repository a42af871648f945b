package org.imagetree.jenkins;

import hudson.Extension;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Manage Jenkins » System » Image Tree: default registry (URL and credentials), allowed registries and default
 * number of parallel image builds. Steps fall back to these when they do not say.
 */
// GlobalConfiguration and ExtensionList.get(Class) are not in jenkins-api.md: signatures from
// jenkinsci/jenkins core/src/main/java/jenkins/model/GlobalConfiguration.java (static all()) and hudson/ExtensionList.java.
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

    /** The registered instance, or null outside Jenkins. */
    public static ImageTreeGlobalConfiguration get() {
        return GlobalConfiguration.all().get(ImageTreeGlobalConfiguration.class);
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

    @Override
    public String getDisplayName() { return Texts.get("GlobalConfiguration.DisplayName"); }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
