// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/verb/POST.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler.verb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.kohsuke.stapler.interceptor.InterceptorAnnotation;
import org.kohsuke.stapler.interceptor.Stage;

/** Restricts a web method to HTTP POST: other verbs skip it (and find nothing else: 404). */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@InterceptorAnnotation(value = HttpVerbInterceptor.class, stage = Stage.SELECTION)
public @interface POST {}
