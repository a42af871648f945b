// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/CauseAction.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.util.List;

public class CauseAction implements jenkins.model.RunAction2 {
    private final List<Cause> causes;

    public CauseAction(Cause c) { this.causes = List.of(c); }

    public List<Cause> getCauses() { return causes; }

    @Override public String getDisplayName() { return "Cause"; }

    @Override public String getIconFileName() { return null; }

    @Override public String getUrlName() { return "cause"; }

    @Override public void onAttached(Run<?, ?> owner) {}

    @Override public void onLoad(Run<?, ?> owner) {}
}
