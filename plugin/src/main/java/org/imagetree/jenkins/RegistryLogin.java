package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.util.Secret;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryToken;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A registry login resolved on the controller from a docker-commons {@link DockerRegistryToken}: the token of a
 * username/password credential (and of every credential type that converts the same way) is
 * {@code base64(username:password)}, which is what docker-commons itself hands to {@code docker login}.
 * The password stays a {@link Secret} on its way to the agent.
 *
 * @param credentialsId the credential it came from (for messages; never the secret)
 * @param username      registry user
 * @param password      registry password or token
 */
record RegistryLogin(String credentialsId, String username, Secret password) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @throws AbortException when the token is not {@code base64(user:password)} (the engine speaks the registry's
     *                        basic/bearer flow with a username and password only); the message names the credential,
     *                        never its content
     */
    static RegistryLogin fromToken(String credentialsId, DockerRegistryToken token) throws AbortException {
        String encoded = token.getToken();
        if (encoded == null) {
            throw new AbortException("Credentials '" + credentialsId + "' give a Docker registry token that is not a username and password");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AbortException("Credentials '" + credentialsId + "' give a Docker registry token that is not a username and password");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new AbortException("Credentials '" + credentialsId + "' give a Docker registry token that is not a username and password");
        }
        return new RegistryLogin(credentialsId, decoded.substring(0, colon), Secret.fromString(decoded.substring(colon + 1)));
    }

    @Override
    public String toString() { return "RegistryLogin[" + credentialsId + ", " + username + "]"; }
}
