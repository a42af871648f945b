package org.imagetree.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.domains.HostnameRequirement;
import hudson.AbortException;
import hudson.model.Run;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryToken;

import java.io.IOException;
import java.util.List;

/**
 * The controller side inside Jenkins: defaults from {@link ImageTreeGlobalConfiguration}; logins as docker-commons'
 * {@code DockerRegistryEndpoint.getToken(Run)} makes them (that method is package-private there): the credential
 * found by id among those the run may use whose domain admits the registry's host, converted to a
 * {@link DockerRegistryToken} by whichever {@code AuthenticationTokenSource} handles its type, and tracked as used
 * by the run ({@link CredentialsProvider#track}).
 */
final class JenkinsControllerSide implements ControllerSide {
    static final JenkinsControllerSide INSTANCE = new JenkinsControllerSide();

    private JenkinsControllerSide() {}

    @Override
    public StepDefaults defaults() {
        return ImageTreeGlobalConfiguration.get().defaults();
    }

    /**
     * What a run's lookup leaves out on its own (credentials-plugin's SystemCredentialsProvider finds nothing of
     * {@link CredentialsScope#SYSTEM} scope for an item), for lists that must offer only what the steps can use.
     */
    static final CredentialsMatcher USABLE_BY_JOBS = CredentialsMatchers.not(CredentialsMatchers.withScope(CredentialsScope.SYSTEM));

    /** The domain requirement a step's lookup has for a registry: its host name (Docker Hub's for none). */
    static List<DomainRequirement> requirements(String registryUrl) {
        return List.of(new HostnameRequirement(hostname(registryUrl)));
    }

    @Override
    public RegistryLogin login(Run<?, ?> run, String registryUrl, String credentialsId) throws IOException {
        String host = hostname(registryUrl);
        List<DomainRequirement> requirements = requirements(registryUrl);
        IdCredentials credentials = CredentialsProvider.findCredentialById(credentialsId, IdCredentials.class, run, requirements);
        if (credentials == null) {
            throw new AbortException("Could not find credentials matching '" + credentialsId + "' for registry host " + host);
        }
        DockerRegistryToken token = AuthenticationTokens.convert(DockerRegistryToken.class, credentials);
        if (token == null) {
            throw new AbortException("Credentials '" + credentialsId + "' cannot log in to a Docker registry (no docker-commons token for their type)");
        }
        CredentialsProvider.track(run, credentials);
        return RegistryLogin.fromToken(credentialsId, token);
    }

    /** The host name (no port) of a registry URL or host[:port]; Docker Hub when there is none, as docker-commons. */
    static String hostname(String registryUrl) {
        String hostPort = EngineSettings.registryHost(registryUrl);
        if (hostPort == null) return "index.docker.io";
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end > 0 ? hostPort.substring(1, end) : hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 ? hostPort.substring(0, colon) : hostPort;
    }
}
