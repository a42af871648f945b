package org.imagetree.pipeline.execute;

import org.imagetree.config.SecretMask;

import java.util.Map;
import java.util.Optional;

/**
 * Credentials on the command line: each allowed credential id names an environment variable of the {@code imagetree}
 * process that holds the secret (from the engine config's {@code pipeline.credentials} or {@code --credential ID=VAR}),
 * the way PipelineLib's job allows credential ids ({@code allowedCredentials}); {@code {id, name}} gives the container
 * {@code name=secret}. Ids not mapped are refused, as PipelineLib refuses them.
 */
public final class EnvironmentCredentials implements CredentialResolver {
    private final Map<String, String> variables;
    private final Map<String, String> env;

    /** @param variables credential id → environment variable; {@code env} the process's environment */
    public EnvironmentCredentials(Map<String, String> variables, Map<String, String> env) {
        this.variables = Map.copyOf(variables);
        this.env = env;
    }

    @Override
    public Optional<String> problem(String id) {
        String var = variables.get(id);
        if (var == null) {
            return Optional.of("Invalid Credential: '" + id + "'. Allowed credentials: " + variables.keySet()
                    + " (map it to an environment variable with --credential " + id + "=VARIABLE or pipeline.credentials in the engine config)");
        }
        String value = env.get(var);
        if (value == null || value.isEmpty()) return Optional.of("credential '" + id + "': the environment variable " + var + " is not set");
        return SecretMask.tooShort("credential '" + id + "' (from " + var + ")", value);
    }

    @Override
    public Map<String, String> resolve(String id, String name) {
        Optional<String> p = problem(id);
        if (p.isPresent()) throw new CredentialException(p.get());
        if (name == null || name.isEmpty()) throw new CredentialException("credential '" + id + "' needs a 'name' (the container's variable)");
        return Map.of(name, env.get(variables.get(id)));
    }
}
