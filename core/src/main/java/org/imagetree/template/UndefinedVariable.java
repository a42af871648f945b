package org.imagetree.template;

/** A template used a variable that is not defined (Jinja2's StrictUndefined); becomes an InputError. */
final class UndefinedVariable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndefinedVariable(String name) {
        super("'" + name + "' is undefined", null, false, false);
    }
}
