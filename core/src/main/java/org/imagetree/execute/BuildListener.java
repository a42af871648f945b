package org.imagetree.execute;

import org.imagetree.report.ImageResult;

/** Progress of a run, for a console or a Jenkins build log. Called from several threads. */
public interface BuildListener {
    BuildListener NONE = new BuildListener() {};

    /** A step of the run ("pulling base images", "building 4 images with 2 jobs"). */
    default void step(String message) {}

    default void imageStarted(String name, String what) {}

    /** A line of build, verify or push output. */
    default void log(String name, String line) {}

    default void imageFinished(ImageResult result) {}
}
