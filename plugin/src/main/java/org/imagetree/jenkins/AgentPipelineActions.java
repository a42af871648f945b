package org.imagetree.jenkins;

import hudson.util.Secret;
import org.imagetree.pipeline.execute.CredentialResolver;
import org.imagetree.pipeline.execute.JenkinsActions;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's {@link JenkinsActions} and {@link CredentialResolver} on the agent: each call goes to the controller
 * through the exported {@link PipelineCallbacks}. The allowed trigger jobs and credentials travel with it, so that a
 * pipeline naming one that is not allowed is refused before anything runs (the controller refuses it again).
 */
final class AgentPipelineActions implements JenkinsActions, CredentialResolver, Serializable {
    private static final long serialVersionUID = 1L;
    /** The proxy {@code VirtualChannel.export} made: serializable at run time (remoting's RemoteInvocationHandler), not by type. */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "SE_BAD_FIELD",
            justification = "an exported proxy: remoting serializes it as a reference to the controller's object")
    private final PipelineCallbacks controller;
    private final ArrayList<String> allowedTriggerJobs;
    private final ArrayList<String> allowedCredentials;
    private transient Path workspace;

    AgentPipelineActions(PipelineCallbacks controller, List<String> allowedTriggerJobs, List<String> allowedCredentials) {
        this.controller = controller;
        this.allowedTriggerJobs = new ArrayList<>(allowedTriggerJobs);
        this.allowedCredentials = new ArrayList<>(allowedCredentials);
    }

    /** The Jenkins workspace on the agent (artifacts are named relative to it). */
    AgentPipelineActions in(Path workspace) {
        this.workspace = workspace.toAbsolutePath().normalize();
        return this;
    }

    @Override
    public Optional<String> triggerProblem(Trigger trigger) {
        return ControllerCallbacks.triggerProblem(trigger.job(), allowedTriggerJobs);
    }

    @Override
    public String trigger(Trigger t) throws Exception {
        return controller.trigger(t.job(), new HashMap<>(t.parameters()), t.propagate(), t.waitForCompletion());
    }

    @Override
    public String notify(Email e) {
        try {
            return controller.mail(new ArrayList<>(e.to()), e.subject(), e.body());
        } catch (IOException | RuntimeException x) {
            return "cannot send mail to " + String.join(", ", e.to()) + ": " + x.getMessage();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return "mail to " + String.join(", ", e.to()) + " not sent: interrupted";
        }
    }

    @Override
    public Optional<String> archive(Path repository, String file) {
        Path f = repository.resolve(file).toAbsolutePath().normalize();
        if (workspace == null || !f.startsWith(workspace)) throw new IllegalStateException("archive: " + f + " is not in the workspace " + workspace);
        try {
            return Optional.of(controller.archive(workspace.relativize(f).toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("archive of " + file + " interrupted", e);
        }
    }

    @Override
    public boolean archives() { return true; }

    @Override
    public Optional<String> problem(String id) {
        Optional<String> refused = ControllerCallbacks.credentialRefusal(id, allowedCredentials);
        if (refused.isPresent()) return refused;
        try {
            return Optional.ofNullable(controller.credentialProblem(id));
        } catch (IOException e) {
            return Optional.of("credential '" + id + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("credential '" + id + "': interrupted");
        }
    }

    @Override
    public Map<String, String> resolve(String id, String name) {
        Optional<String> refused = ControllerCallbacks.credentialRefusal(id, allowedCredentials);
        if (refused.isPresent()) throw new CredentialException(refused.get());
        try {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Secret> e : controller.credential(id, name).entrySet()) out.put(e.getKey(), e.getValue().getPlainText());
            return out;
        } catch (IOException e) {
            throw new CredentialException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialException("credential '" + id + "': interrupted");
        }
    }
}
