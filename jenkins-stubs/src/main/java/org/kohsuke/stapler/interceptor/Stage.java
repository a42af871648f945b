// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/interceptor/Stage.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler.interceptor;

public enum Stage {
    /** While the web method is selected, before its parameters are injected. */
    SELECTION,
    /** Right before the web method is invoked, its parameters injected. */
    PREINVOKE
}
