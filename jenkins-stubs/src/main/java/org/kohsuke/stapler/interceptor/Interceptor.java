// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/interceptor/Interceptor.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler.interceptor;

import jakarta.servlet.ServletException;
import java.lang.reflect.InvocationTargetException;
import org.kohsuke.stapler.Function;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/** Intercepts the call of a web method annotated with an {@link InterceptorAnnotation} naming it. */
public abstract class Interceptor {
    protected Function target;

    public void setTarget(Function target) {
        this.target = target;
    }

    /** The real one's default implementation bridges to the deprecated signature; interceptors override it. */
    public Object invoke(StaplerRequest2 request, StaplerResponse2 response, Object instance, Object[] arguments)
            throws IllegalAccessException, InvocationTargetException, ServletException {
        throw new AbstractMethodError("The class " + getClass().getName() + " must override at least one of the Interceptor.invoke methods");
    }
}
