// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/ParameterValue.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.io.Serializable;

public abstract class ParameterValue implements Serializable {
    private static final long serialVersionUID = 1L;
    protected final String name;

    protected ParameterValue(String name) { this.name = name; }

    public final String getName() { return name; }

    public Object getValue() { return null; }
}
