// Compile-only stub (jenkins-stubs), checked against jenkinsci/stapler tag 2076.v1b_a_c12445eb_e (the version jenkins-2.555.3 pins), core/src/main/java/org/kohsuke/stapler/DataBoundSetter.java: a subset of its signatures, nothing it lacks.
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.FIELD})
@Documented
public @interface DataBoundSetter {}
