// Compile-only stub (jenkins-stubs), checked against jenkinsci/docker-commons-plugin tag 472.vee120e23d3a_c (newest tag in the mirror; the BOM manages 477.v289085a_b_6896), src/main/java/org/jenkinsci/plugins/docker/commons/credentials/DockerRegistryToken.java: a subset of its signatures, nothing it lacks.
package org.jenkinsci.plugins.docker.commons.credentials;

import java.io.Serializable;

public final class DockerRegistryToken implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String email;
    private final String token;

    public DockerRegistryToken(String email, String token) {
        this.email = email;
        this.token = token;
    }

    public String getEmail() { return email; }

    public String getToken() { return token; }
}
