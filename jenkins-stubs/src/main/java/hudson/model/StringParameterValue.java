// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/StringParameterValue.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public class StringParameterValue extends ParameterValue {
    private static final long serialVersionUID = 1L;
    protected String value;

    public StringParameterValue(String name, String value) {
        super(name);
        this.value = value;
    }

    @Override
    public String getValue() { return value; }
}
