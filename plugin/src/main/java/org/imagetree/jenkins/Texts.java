package org.imagetree.jenkins;

import java.util.ResourceBundle;

/**
 * Display texts from {@code Messages.properties}. Read through a ResourceBundle rather than the
 * localizer-generated {@code Messages} class, so that the same sources compile in the hpi build (which generates
 * {@code Messages}) and in the offline build (which does not).
 */
final class Texts {
    private static final String BUNDLE = "org.imagetree.jenkins.Messages";

    private Texts() {}

    static String get(String key) {
        return ResourceBundle.getBundle(BUNDLE).getString(key);
    }
}
