package org.imagetree.jenkins;

import hudson.util.ListBoxModel;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.StaplerRequest2;

import java.util.List;
import java.util.Set;

/**
 * What every Image Tree step's descriptor says: the context it needs ({@link ImageTreeStepExecution#REQUIRED_CONTEXT}),
 * its Pipeline function name and its display name from {@code Messages.properties} ({@code <StepClass>.DisplayName}).
 * Each step keeps its own {@code DescriptorImpl} nested in the step class (Jenkins finds the step class as the
 * descriptor's enclosing class, and the step's {@code config.jelly} and help by that class's name).
 */
public abstract class ImageTreeStepDescriptor extends StepDescriptor {
    private final String functionName;
    private final String displayNameKey;

    /**
     * @param functionName the Pipeline step name
     * @param stepClass    the step, whose simple name keys its display name
     */
    protected ImageTreeStepDescriptor(String functionName, Class<?> stepClass) {
        this.functionName = functionName;
        this.displayNameKey = stepClass.getSimpleName() + ".DisplayName";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() { return ImageTreeStepExecution.REQUIRED_CONTEXT; }

    @Override
    public String getFunctionName() { return functionName; }

    @Override
    public String getDisplayName() { return Texts.get(displayNameKey); }

    /** Forms: tri-state booleans and list text areas bound as Pipeline binds them ({@link FormFields}). */
    @Override
    public Step newInstance(StaplerRequest2 req, JSONObject formData) throws FormException {
        return super.newInstance(req, FormFields.normalize(clazz, formData));
    }

    /** The select of the tri-state {@code publish} option: unset (the step's default), yes, no. */
    public ListBoxModel doFillPublishItems() {
        ListBoxModel m = new ListBoxModel();
        m.add(Texts.get("TriState.Default"), "");
        m.add(Texts.get("TriState.Yes"), "true");
        m.add(Texts.get("TriState.No"), "false");
        return m;
    }

    /** A list option as its text area shows it (for {@code config.jelly}: one entry per line). */
    public String lines(List<String> values) { return FormFields.lines(values); }
}
