// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.2 (org.jenkinsci.Symbol); the real class comes from the Jenkins repository.
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
