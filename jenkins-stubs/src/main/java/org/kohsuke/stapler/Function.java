// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/Function.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler;

import jakarta.servlet.ServletException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;

/** A web method as Stapler sees it. */
public abstract class Function {
    public abstract String getName();

    public abstract <A extends Annotation> A getAnnotation(Class<A> annotation);

    public abstract Annotation[] getAnnotations();

    /** The real one's default implementation bridges to the deprecated signature; every real Function overrides it. */
    public Object invoke(StaplerRequest2 req, StaplerResponse2 rsp, Object o, Object... args)
            throws IllegalAccessException, InvocationTargetException, ServletException {
        throw new AbstractMethodError(getClass().getName() + " must override invoke");
    }
}
