package org.imagetree.pipeline.execute;

import java.util.Map;
import java.util.Optional;

/**
 * Where a {@code run} step's {@code credentials} come from: in Jenkins, the credentials store (the job's allowed
 * credentials, as PipelineLib's {@code allowedCredentials}); on the command line, environment variables named in the
 * engine config or on the command line. A credential {@code {id, name}} becomes environment variables of the container
 * (for a secret text, {@code name} holding the secret; a username and password or an SSH key may give several).
 */
public interface CredentialResolver {
    /**
     * The environment variables credential {@code id} gives the container, named from {@code name}.
     *
     * @throws CredentialException when {@code id} is not allowed or has no value; the message never holds a secret
     */
    Map<String, String> resolve(String id, String name);

    /** Why {@code id} cannot be resolved, checked before a pipeline starts; empty when it can. */
    Optional<String> problem(String id);

    /** A credential that cannot be given to the container. */
    final class CredentialException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CredentialException(String message) { super(message); }
    }

    /** No credentials at all. */
    CredentialResolver NONE = new CredentialResolver() {
        @Override public Map<String, String> resolve(String id, String name) {
            throw new CredentialException("Invalid Credential: '" + id + "'. No credentials are allowed");
        }

        @Override public Optional<String> problem(String id) { return Optional.of("credential '" + id + "' is not allowed (no credentials are)"); }
    };
}
