// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/StaplerRequest2.java: a subset of its signatures (none used), nothing it lacks.
package org.kohsuke.stapler;

public interface StaplerRequest2 {
}
