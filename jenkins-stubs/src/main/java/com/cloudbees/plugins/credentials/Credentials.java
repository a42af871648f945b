// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md §2.3 (getScope() left out: unused); the real class comes from the Jenkins repository.
package com.cloudbees.plugins.credentials;

import hudson.ExtensionPoint;
import hudson.model.Describable;
import java.io.Serializable;

public interface Credentials extends Describable<Credentials>, Serializable, ExtensionPoint {
}
