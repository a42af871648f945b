package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
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

    /**
     * The context every step needs: a workspace on an agent (inside {@code node}), its console and environment, and
     * the step's flow node (for the {@link WarningAction} of an unstable result).
     */
    static final Set<Class<?>> REQUIRED_CONTEXT = Set.of(Run.class, FilePath.class, TaskListener.class, EnvVars.class, FlowNode.class);

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

    /** The controller's services: Jenkins', unless an enclosing block provides others (the offline harness). */
    ControllerSide controller() throws IOException, InterruptedException {
        ControllerSide c = getContext().get(ControllerSide.class);
        return c != null ? c : JenkinsControllerSide.INSTANCE;
    }

    /** The administrator's defaults (global configuration). */
    StepDefaults defaults() throws IOException, InterruptedException {
        return controller().defaults();
    }

    /**
     * Marks the build UNSTABLE the way the {@code unstable} step does: a {@link WarningAction} on this step's flow
     * node (so Blue Ocean and the stage view show which step), the result on the run, a line in the console.
     */
    void markUnstable(String message) throws IOException, InterruptedException {
        FlowNode node = getContext().get(FlowNode.class);
        if (node != null) node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
        currentRun().setResult(Result.UNSTABLE);
        listener().getLogger().println("[imagetree] build unstable: " + message);
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
        String message = failures.size() + " " + what + " not built: " + list;
        if (!unstableOnFailure) throw new AbortException(message);
        markUnstable(message);
    }

    /**
     * Settings for the agent of a step that may push: the step's registry (else the global default), its credential
     * resolved here on the controller (docker-commons token, host domain requirement, tracked), the administrator's
     * allowed registries and the build's environment.
     */
    EngineSettings settings(String directory, String config, DockerRegistryEndpoint registry, StepDefaults defaults)
            throws IOException, InterruptedException {
        String url = registryUrl(registry, defaults);
        String credentialsId = credentialsId(registry, defaults);
        RegistryLogin login = credentialsId == null ? null : controller().login(currentRun(), url, credentialsId);
        return new EngineSettings(directory, config, EngineSettings.registryHost(url), login == null ? null : login.username(),
                login == null ? null : login.password(), defaults.allowedRegistries(), environment());
    }

    /**
     * Settings for the agent of a step that never pushes (lint, update, a plan that does not publish): the same, but no
     * credential is resolved, so no secret reaches the agent.
     */
    EngineSettings settingsWithoutCredentials(String directory, String config, DockerRegistryEndpoint registry, StepDefaults defaults)
            throws IOException, InterruptedException {
        return new EngineSettings(directory, config, EngineSettings.registryHost(registryUrl(registry, defaults)), null, null,
                defaults.allowedRegistries(), environment());
    }

    /** The registry URL the step names, else the global default (null: the config file's). */
    static String registryUrl(DockerRegistryEndpoint registry, StepDefaults defaults) {
        return registry != null && registry.getUrl() != null ? registry.getUrl() : defaults.registryUrl();
    }

    /** The step's credential; the global one only for the global registry (a step naming a URL names its own). */
    static String credentialsId(DockerRegistryEndpoint registry, StepDefaults defaults) {
        if (registry != null && registry.getCredentialsId() != null) return registry.getCredentialsId();
        return registry != null && registry.getUrl() != null ? null : defaults.credentialsId();
    }

    private EnvVars environment() throws IOException, InterruptedException {
        EnvVars env = getContext().get(EnvVars.class);
        return env == null ? new EnvVars() : env;
    }
}
