// Compile-only stub (jenkins-stubs), checked against jenkinsci/structs-plugin tag 362.va_b_695ef4fdf9 (org.jenkinsci.Symbol), src/main/java/org/jenkinsci/Symbol.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface Symbol {
    String[] value();
}
