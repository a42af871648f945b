package org.imagetree.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.Secret;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Shared execution of the Image Tree steps: on a pooled controller thread (never the CPS VM thread) it resolves
 * registry credentials on the controller, then hands a serializable call to the agent through
 * {@code FilePath.act}. {@link #stop} (abort) interrupts that thread, which interrupts the remote call and so
 * the engine's builds. Not resumable after a controller restart (the engine's builds die with the agent call).
 */
abstract class ImageTreeStepExecution<T> extends SynchronousNonBlockingStepExecution<T> {
    private static final long serialVersionUID = 1L;

    /** The context every step needs: a workspace on an agent (inside {@code node}), its console and environment. */
    static final Set<Class<?>> REQUIRED_CONTEXT = Set.of(Run.class, FilePath.class, TaskListener.class, EnvVars.class);

    ImageTreeStepExecution(StepContext context) {
        super(context);
    }

    FilePath workspace() throws IOException, InterruptedException {
        return getContext().get(FilePath.class);
    }

    TaskListener listener() throws IOException, InterruptedException {
        return getContext().get(TaskListener.class);
    }

    Run<?, ?> currentRun() throws IOException, InterruptedException {
        return getContext().get(Run.class);
    }

    /**
     * After everything was attempted: when anything failed, fail the step, or (with {@code unstableOnFailure}) log
     * the failures and mark the build unstable.
     *
     * @param failures one entry per failed distro or image, as shown to the user
     * @param what     what failed, e.g. {@code image(s)}
     */
    void failOrMarkUnstable(List<String> failures, String what, boolean unstableOnFailure) throws IOException, InterruptedException {
        if (failures.isEmpty()) return;
        String list = String.join(", ", failures);
        if (!unstableOnFailure) throw new AbortException(failures.size() + " " + what + " not built: " + list);
        listener().getLogger().println("[imagetree] build unstable: " + list);
        currentRun().setResult(Result.UNSTABLE);
    }

    /**
     * Settings for the agent: the step's registry (else the global default), its credentials resolved here on
     * the controller, the global allowed registries and the build's environment.
     */
    EngineSettings settings(String directory, String config, DockerRegistryEndpoint registry, StepDefaults defaults)
            throws IOException, InterruptedException {
        String url = registry != null && registry.getUrl() != null ? registry.getUrl() : defaults.registryUrl();
        String credentialsId = registry != null && registry.getCredentialsId() != null ? registry.getCredentialsId()
                : registry != null && registry.getUrl() != null ? null : defaults.credentialsId();
        String username = null;
        Secret password = null;
        if (credentialsId != null) {
            StandardUsernamePasswordCredentials c = CredentialsProvider.findCredentialById(credentialsId,
                    StandardUsernamePasswordCredentials.class, currentRun());
            if (c == null) {
                throw new AbortException("Could not find username/password credentials matching '" + credentialsId + "'");
            }
            username = c.getUsername();
            password = c.getPassword();
        }
        EnvVars env = getContext().get(EnvVars.class);
        return new EngineSettings(directory, config, EngineSettings.registryHost(url), username, password,
                defaults.allowedRegistries(), env == null ? new EnvVars() : env);
    }
}
