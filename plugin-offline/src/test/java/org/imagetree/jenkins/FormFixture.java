package org.imagetree.jenkins;

import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** A describable with the form tags HarnessStrictnessTest checks the offline harness against (resources: config.jelly). */
@SuppressWarnings("deprecation")
public class FormFixture extends AbstractDescribableImpl<FormFixture> {
    private final String name;
    private String flavour;
    private DockerRegistryEndpoint registry;
    private DockerRegistryEndpoint mirror;
    private boolean pull = true;
    private Integer jobs;

    @DataBoundConstructor
    public FormFixture(String name) { this.name = name == null || name.isEmpty() ? null : name; }

    public String getName() { return name; }

    public String getFlavour() { return flavour; }

    @DataBoundSetter
    public void setFlavour(String flavour) { this.flavour = flavour == null || flavour.isEmpty() ? null : flavour; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public DockerRegistryEndpoint getMirror() { return mirror; }

    @DataBoundSetter
    public void setMirror(DockerRegistryEndpoint mirror) { this.mirror = mirror; }

    public boolean isPull() { return pull; }

    @DataBoundSetter
    public void setPull(boolean pull) { this.pull = pull; }

    public Integer getJobs() { return jobs; }

    @DataBoundSetter
    public void setJobs(Integer jobs) { this.jobs = jobs; }

    public static final class DescriptorImpl extends Descriptor<FormFixture> {
    }
}
