// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/StaplerRequest2.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler;

import jakarta.servlet.http.HttpServletRequest;
import net.sf.json.JSONObject;

public interface StaplerRequest2 extends HttpServletRequest {
    /** Data binding of a structured form submission: the type's {@link DataBoundConstructor} and {@link DataBoundSetter}s. */
    <T> T bindJSON(Class<T> type, JSONObject src);
}
