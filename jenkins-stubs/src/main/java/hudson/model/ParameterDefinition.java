// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/ParameterDefinition.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

public abstract class ParameterDefinition {
    private final String name;

    protected ParameterDefinition(String name) { this.name = name; }

    public String getName() { return name; }

    @CheckForNull
    public ParameterValue getDefaultParameterValue() { return null; }
}
