// Compile-only stub (jenkins-stubs), signature of org.springframework.security.core.Authentication (spring-security-core, as jenkins-2.555.3 bundles it): an empty subset, nothing it lacks.
package org.springframework.security.core;

public interface Authentication {
}
