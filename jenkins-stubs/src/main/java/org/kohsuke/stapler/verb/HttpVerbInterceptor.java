// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/verb/HttpVerbInterceptor.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler.verb;

import jakarta.servlet.ServletException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import org.kohsuke.stapler.CancelRequestHandlingException;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.Interceptor;
import org.kohsuke.stapler.interceptor.InterceptorAnnotation;

/**
 * As the real one: the web method is invoked only when the request's HTTP method is named by one of its verb
 * annotations ({@code @GET}, {@code @POST}, ...); otherwise the route is cancelled and Stapler looks on, so a request
 * with another verb ends in 404, not 405.
 */
public class HttpVerbInterceptor extends Interceptor {
    @Override
    public Object invoke(StaplerRequest2 request, StaplerResponse2 response, Object instance, Object[] arguments)
            throws IllegalAccessException, InvocationTargetException, ServletException {
        for (Annotation a : target.getAnnotations()) {
            InterceptorAnnotation ia = a.annotationType().getAnnotation(InterceptorAnnotation.class);
            if (ia != null && ia.value() == HttpVerbInterceptor.class && a.annotationType().getSimpleName().equals(request.getMethod())) {
                return target.invoke(request, response, instance, arguments);
            }
        }
        throw new CancelRequestHandlingException();
    }
}
