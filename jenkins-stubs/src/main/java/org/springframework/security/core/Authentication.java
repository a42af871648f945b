// Compile-only stub (jenkins-stubs), checked against spring-projects/spring-security tag 6.5.9 (the version jenkins-2.555.3 pins in bom/pom.xml), core/src/main/java/org/springframework/security/core/Authentication.java: an empty subset of its signatures, nothing it lacks.
package org.springframework.security.core;

public interface Authentication {
}
