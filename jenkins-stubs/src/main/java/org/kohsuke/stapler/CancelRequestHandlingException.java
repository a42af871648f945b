// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/CancelRequestHandlingException.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler;

/** Thrown while a request is dispatched to a web method: Stapler goes on to the next route (none left: 404). */
public class CancelRequestHandlingException extends RuntimeException {
}
