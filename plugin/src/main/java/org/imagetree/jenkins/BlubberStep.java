package org.imagetree.jenkins;

import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code blubberBuild} (kept apart from the step so that another Blubber step can share them): the Blubber config file and build context,
 * tags and build arguments, the registry (with credentials), the Image Tree config file, the Blubber policy and the
 * Dockerfile flavour. Whether to publish stays with each step (their defaults differ).
 */
public abstract class BlubberStep extends Step {
    private String config = "blubber.yaml";
    private String context;
    private List<String> tags = List.of();
    private List<String> buildArgs = List.of();
    private DockerRegistryEndpoint registry;
    private String engineConfig;
    private String policy;
    private String flavour;

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = blankTo(config, "blubber.yaml"); }

    public String getContext() { return context; }

    @DataBoundSetter
    public void setContext(String context) { this.context = blankTo(context, null); }

    public List<String> getTags() { return tags; }

    @DataBoundSetter
    public void setTags(List<String> tags) { this.tags = tags == null ? List.of() : List.copyOf(tags); }

    public List<String> getBuildArgs() { return buildArgs; }

    /** {@code NAME=VALUE} entries. */
    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) { this.buildArgs = buildArgs == null ? List.of() : List.copyOf(buildArgs); }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public String getEngineConfig() { return engineConfig; }

    /** The Image Tree config file (registry, namespace, allowed_registries), relative to the workspace. */
    @DataBoundSetter
    public void setEngineConfig(String engineConfig) { this.engineConfig = blankTo(engineConfig, null); }

    public String getPolicy() { return policy; }

    /** A Blubber policy file, relative to the workspace. */
    @DataBoundSetter
    public void setPolicy(String policy) { this.policy = blankTo(policy, null); }

    public String getFlavour() { return flavour; }

    /** {@code auto} (default), {@code classic} or {@code buildkit}. */
    @DataBoundSetter
    public void setFlavour(String flavour) { this.flavour = blankTo(flavour, null); }

    /** The shared inputs, serializable, for the agent. */
    BlubberCalls.Inputs inputs() {
        return new BlubberCalls.Inputs(config, context, new ArrayList<>(buildArgs), policy, flavour);
    }

    static String blankTo(String s, String fallback) { return s == null || s.isBlank() ? fallback : s.strip(); }
}
