package org.imagetree.jenkins;

import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The options every step over one image directory shares ({@code buildImageTree}, {@code imageTreePlan},
 * {@code lintImageTree}, {@code updateImageTree}): the directory of image definitions and the configuration file,
 * both relative to the workspace.
 */
public abstract class TreeStep extends Step {
    private String directory = ".";
    private String config;

    public String getDirectory() { return directory; }

    @DataBoundSetter
    public void setDirectory(String directory) { this.directory = directory == null || directory.isBlank() ? "." : directory; }

    public String getConfig() { return config; }

    @DataBoundSetter
    public void setConfig(String config) { this.config = nullIfBlank(config); }

    /** Null for a missing or blank value, else the value as given (not stripped). */
    static String nullIfBlank(String s) { return s == null || s.isBlank() ? null : s; }
}
