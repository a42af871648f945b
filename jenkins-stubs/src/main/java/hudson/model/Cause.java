// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Cause.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public abstract class Cause {
    public abstract String getShortDescription();

    public static class UpstreamCause extends Cause {
        private final String upstreamProject;

        public UpstreamCause(Run<?, ?> up) { this.upstreamProject = up.getParent().getFullName(); }

        @Override
        public String getShortDescription() { return "Started by upstream project " + upstreamProject; }
    }
}
