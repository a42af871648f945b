// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (Descriptor: clazz, constructors, getDisplayName, save, load, FormException); the real class comes from the Jenkins repository.
package hudson.model;

public abstract class Descriptor<T extends Describable<T>> {
    public final transient Class<? extends T> clazz;

    protected Descriptor(Class<? extends T> clazz) {
        this.clazz = clazz;
    }

    @SuppressWarnings("unchecked")
    protected Descriptor() {
        this.clazz = null;
    }

    public String getDisplayName() {
        return clazz == null ? getClass().getSimpleName() : clazz.getSimpleName();
    }

    /** Persists the descriptor's fields; outside Jenkins there is nowhere to persist to. */
    public synchronized void save() {}

    /** Loads the descriptor's fields; outside Jenkins there is nothing to load. */
    public synchronized void load() {}

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
