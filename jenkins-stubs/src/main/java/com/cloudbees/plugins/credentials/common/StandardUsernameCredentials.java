// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.3; the real class comes from the Jenkins repository.
package com.cloudbees.plugins.credentials.common;

public interface StandardUsernameCredentials extends StandardCredentials, UsernameCredentials {
}
