// Compile-only stub (jenkins-stubs), checked against jenkinsci/credentials-plugin tag 1502.v5c95e620ddfe (newest tag in the mirror; the BOM manages 1511.v2e3cb_0008ef0), src/main/java/com/cloudbees/plugins/credentials/domains/HostnameRequirement.java: a subset of its signatures, nothing it lacks.
package com.cloudbees.plugins.credentials.domains;

public class HostnameRequirement extends DomainRequirement {
    private static final long serialVersionUID = 1L;
    private final String hostname;

    public HostnameRequirement(String hostname) { this.hostname = hostname; }

    public String getHostname() { return hostname; }
}
