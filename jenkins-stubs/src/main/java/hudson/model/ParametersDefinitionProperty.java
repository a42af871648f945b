// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/ParametersDefinitionProperty.java: a subset of its signatures, nothing it lacks.
package hudson.model;

import java.util.List;
import jenkins.model.OptionalJobProperty;

public class ParametersDefinitionProperty extends OptionalJobProperty<Job<?, ?>> {
    private final List<ParameterDefinition> parameterDefinitions;

    public ParametersDefinitionProperty(List<ParameterDefinition> parameterDefinitions) {
        this.parameterDefinitions = List.copyOf(parameterDefinitions);
    }

    public List<ParameterDefinition> getParameterDefinitions() { return parameterDefinitions; }
}
