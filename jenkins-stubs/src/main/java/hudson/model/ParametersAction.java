// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/ParametersAction.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.util.List;

public class ParametersAction implements jenkins.model.RunAction2 {
    private final List<ParameterValue> parameters;

    public ParametersAction(List<ParameterValue> parameters) { this.parameters = List.copyOf(parameters); }

    public List<ParameterValue> getParameters() { return parameters; }

    @Override public String getDisplayName() { return "Parameters"; }

    @Override public String getIconFileName() { return null; }

    @Override public String getUrlName() { return "parameters"; }

    @Override public void onAttached(Run<?, ?> r) {}

    @Override public void onLoad(Run<?, ?> r) {}
}
