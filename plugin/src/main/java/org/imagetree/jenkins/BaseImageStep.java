package org.imagetree.jenkins;

import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.List;

/**
 * The options {@code buildBaseImages} and {@code refreshImageTree} share: which distros, how debuerreotype builds
 * them (mirror, snapshot timestamp, the organisation's APT sources, key and pinning), the configuration and registry,
 * and whether failures fail the step or make the build unstable.
 */
public abstract class BaseImageStep extends Step {
    private List<String> distros = List.of();
    private String config;
    private DockerRegistryEndpoint registry;
    private String mirror;
    private String timestamp;
    private String aptSource;
    private String aptKey;
    private String aptPreferences;
    private boolean unstableOnFailure;

    public List<String> getDistros() { return distros; }

    /** Debian suites; empty: config {@code base_distros}, else the distros of {@code base_images} in the registry. */
    @DataBoundSetter
    public void setDistros(List<String> distros) {
        List<String> out = new ArrayList<>();
        if (distros != null) for (String d : distros) if (d != null && !d.isBlank()) out.add(d.strip());
        this.distros = List.copyOf(out);
    }

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = blankToNull(config); }

    public DockerRegistryEndpoint getRegistry() { return registry; }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) { this.registry = registry; }

    public String getMirror() { return mirror; }

    /** Debian mirror when snapshot.debian.org is not used (default {@code http://deb.debian.org/debian}). */
    @DataBoundSetter
    public void setMirror(String mirror) { this.mirror = blankToNull(mirror); }

    public String getTimestamp() { return timestamp; }

    /** Snapshot time ({@code YYYY-MM-DDTHH:MM:SSZ} or {@code @EPOCH}). */
    @DataBoundSetter
    public void setTimestamp(String timestamp) { this.timestamp = blankToNull(timestamp); }

    public String getAptSource() { return aptSource; }

    @DataBoundSetter
    public void setAptSource(String aptSource) { this.aptSource = blankToNull(aptSource); }

    public String getAptKey() { return aptKey; }

    @DataBoundSetter
    public void setAptKey(String aptKey) { this.aptKey = blankToNull(aptKey); }

    public String getAptPreferences() { return aptPreferences; }

    @DataBoundSetter
    public void setAptPreferences(String aptPreferences) { this.aptPreferences = blankToNull(aptPreferences); }

    public boolean isUnstableOnFailure() { return unstableOnFailure; }

    /** Failures mark the build unstable (and the step returns its result) instead of failing the step. */
    @DataBoundSetter
    public void setUnstableOnFailure(boolean unstableOnFailure) { this.unstableOnFailure = unstableOnFailure; }

    BaseImageCalls.BaseInputs inputs() {
        return new BaseImageCalls.BaseInputs(new ArrayList<>(distros), mirror, timestamp, aptSource, aptKey, aptPreferences);
    }

    static String blankToNull(String s) { return s == null || s.isBlank() ? null : s.strip(); }
}
