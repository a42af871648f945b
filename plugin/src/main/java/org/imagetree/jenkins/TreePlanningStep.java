package org.imagetree.jenkins;

import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The options {@code buildImageTree} and {@code imageTreePlan} share: which images ({@code select}), the tag mode
 * ({@code nightly}, {@code snapshot}), whether to pull, whether the run publishes, and the registry (with credentials)
 * the plan is made against.
 */
public abstract class TreePlanningStep extends TreeStep {
    private String select;
    private boolean nightly;
    private boolean snapshot;
    private boolean pull = true;
    private Boolean publish;
    private DockerRegistryEndpoint registry;

    public String getSelect() { return select; }

    @DataBoundSetter
    public void setSelect(String select) { this.select = nullIfBlank(select); }

    public boolean isNightly() { return nightly; }

    @DataBoundSetter
    public void setNightly(boolean nightly) { this.nightly = nightly; }

    public boolean isSnapshot() { return snapshot; }

    @DataBoundSetter
    public void setSnapshot(boolean snapshot) { this.snapshot = snapshot; }

    public boolean isPull() { return pull; }

    @DataBoundSetter
    public void setPull(boolean pull) { this.pull = pull; }

    public Boolean getPublish() { return publish; }

    @DataBoundSetter
    public void setPublish(Boolean publish) { this.publish = publish; }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    /** These options for the agent, with what only a build decides (cache, parallel images; null: the engine's default). */
    AgentCalls.TreeOptions treeOptions(boolean useCache, Integer jobs) {
        return treeOptions(useCache, jobs, publish);
    }

    /** As {@link #treeOptions(boolean, Integer)} with the publish decision given (null: the engine's default). */
    AgentCalls.TreeOptions treeOptions(boolean useCache, Integer jobs, Boolean publish) {
        return new AgentCalls.TreeOptions(select, nightly, snapshot, useCache, pull, publish, jobs);
    }
}
