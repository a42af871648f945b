// Compile-only stub (jenkins-stubs): signature copied from jenkins-api.md Appendix (remoting); the real class comes from the Jenkins repository.
package org.jenkinsci.remoting;

import java.io.Serializable;

public interface SerializableOnlyOverRemoting extends Serializable {
}
