package org.imagetree.jenkins;

import hudson.model.Run;

import java.io.IOException;

/**
 * What a step asks of the controller before it hands work to the agent: the administrator's defaults and registry
 * logins. {@link JenkinsControllerSide} is the real one; a step finds another only when an enclosing block put one
 * in its context (the offline harness does, since it has no Jenkins, credentials store or global configuration).
 */
interface ControllerSide {
    /** The global configuration's defaults. */
    StepDefaults defaults();

    /**
     * Resolves a credential for a registry, the docker-commons way, and records its use by the run.
     *
     * @param registryUrl the registry's URL or host[:port] (its host is the credential's domain requirement)
     * @throws IOException (an {@code AbortException}) when there is no such credential for that host, or it is no
     *                     Docker registry login
     */
    RegistryLogin login(Run<?, ?> run, String registryUrl, String credentialsId) throws IOException;
}
