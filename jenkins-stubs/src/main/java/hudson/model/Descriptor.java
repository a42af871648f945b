// Compile-only stub (jenkins-stubs), checked against jenkinsci/jenkins tag jenkins-2.555.3, core/src/main/java/hudson/model/Descriptor.java: a subset of its signatures, nothing it lacks.
package hudson.model;

public abstract class Descriptor<T extends Describable<T>> {
    public final transient Class<? extends T> clazz;

    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Descriptor(Class<? extends T> clazz) {
        if (clazz == self()) clazz = (Class) getClass();
        this.clazz = clazz;
    }

    /** As the real one: the descriptor's enclosing class is what it describes. */
    @SuppressWarnings("unchecked")
    protected Descriptor() {
        this.clazz = (Class<T>) getClass().getEnclosingClass();
        if (clazz == null) {
            throw new AssertionError(getClass() + " doesn't have an outer class. Use the constructor that takes the Class object explicitly.");
        }
    }

    /** As the real one: pass it to the constructor for a descriptor that describes itself (GlobalConfiguration). */
    @SuppressWarnings("rawtypes")
    protected static Class self() { return Self.class; }

    private static final class Self {}

    /**
     * As the real one: a form submission is bound by the request's data binding ({@code req.bindJSON}: the type's
     * {@code @DataBoundConstructor} and {@code @DataBoundSetter}s); without a request, the no-argument constructor.
     * (The real one also routes nested objects through their own descriptors' {@code newInstance} overrides.)
     */
    public T newInstance(org.kohsuke.stapler.StaplerRequest2 req, net.sf.json.JSONObject formData) throws FormException {
        try {
            if (req == null) return clazz.getDeclaredConstructor().newInstance();
            return req.bindJSON(clazz, formData);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new LinkageError("Failed to instantiate " + clazz + " from " + formData, e);
        }
    }

    public String getDisplayName() {
        return clazz.getSimpleName();
    }

    /** The real one writes JENKINS_HOME/&lt;id&gt;.xml: it needs a running Jenkins. */
    public synchronized void save() {
        jenkins.model.Jenkins.get();
    }

    /** The real one reads JENKINS_HOME/&lt;id&gt;.xml: it needs a running Jenkins. */
    public synchronized void load() {
        jenkins.model.Jenkins.get();
    }

    public static final class FormException extends Exception {
        private final String formField;

        public FormException(String message, String formField) {
            super(message);
            this.formField = formField;
        }

        public FormException(String message, Throwable cause, String formField) {
            super(message, cause);
            this.formField = formField;
        }

        public FormException(Throwable cause, String formField) {
            super(cause);
            this.formField = formField;
        }

        public String getFormField() { return formField; }
    }
}
