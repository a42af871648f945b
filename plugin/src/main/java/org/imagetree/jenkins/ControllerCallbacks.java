package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.Secret;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's side of {@link PipelineCallbacks}: PipelineLib's runner checks ({@code allowedTriggerJobs},
 * {@code allowedCredentials}: refused here again, whatever the agent says) and the {@code build} step's semantics for
 * {@code trigger} (jenkinsci/pipeline-build-step-plugin tag 599.v4b_67ea_11b_152, BuildTriggerStepExecution and
 * BuildTriggerListener: without {@code wait} the job is only scheduled and {@code propagate} does not matter; with it,
 * a result other than SUCCESS fails the caller when {@code propagate}, with DownstreamFailureCause's message), on the
 * controller's services ({@link ControllerSide}). One per step call; its calls may come from parallel stages.
 */
final class ControllerCallbacks implements PipelineCallbacks {
    private final ControllerSide controller;
    private final Run<?, ?> run;
    private final FilePath workspace;
    private final TaskListener listener;
    private final Object authentication;
    private final List<String> allowedTriggerJobs;
    private final List<String> allowedCredentials;
    private final String buildUrl;

    /**
     * @param authentication the build's, captured on the step's thread (the agent's calls arrive on other threads)
     * @param buildUrl       the run's URL ({@code BUILD_URL}), for the artifacts' URLs as PipelineLib gives them
     */
    ControllerCallbacks(ControllerSide controller, Run<?, ?> run, FilePath workspace, TaskListener listener, Object authentication,
                        List<String> allowedTriggerJobs, List<String> allowedCredentials, String buildUrl) {
        this.controller = controller;
        this.run = run;
        this.workspace = workspace;
        this.listener = listener;
        this.authentication = authentication;
        this.allowedTriggerJobs = List.copyOf(allowedTriggerJobs);
        this.allowedCredentials = List.copyOf(allowedCredentials);
        this.buildUrl = buildUrl == null ? "" : buildUrl;
    }

    /** PipelineRunner.triggerJob's refusal. */
    static Optional<String> triggerProblem(String job, List<String> allowed) {
        return allowed.contains(job) ? Optional.empty()
                : Optional.of("Invalid trigger job '" + job + "'. Allowed trigger jobs: " + allowed + " (the step's allowedTriggerJobs)");
    }

    /** PipelineCredentialManager's refusal. */
    static Optional<String> credentialRefusal(String id, List<String> allowed) {
        return allowed.contains(id) ? Optional.empty()
                : Optional.of("Invalid Credential: '" + id + "'. Allowed credentials: " + allowed + " (the step's allowedCredentials)");
    }

    @Override
    public String trigger(String job, HashMap<String, String> parameters, boolean propagate, boolean wait) throws IOException, InterruptedException {
        Optional<String> refused = triggerProblem(job, allowedTriggerJobs);
        if (refused.isPresent()) throw new AbortException(refused.get());
        ControllerSide.Downstream downstream = controller.schedule(run, authentication, job, new HashMap<>(parameters));
        if (!wait) return "scheduled " + downstream.displayName() + " with parameters " + parameters.keySet();
        listener.getLogger().println("[imagetree] trigger: waiting for " + downstream.displayName());
        Result result = downstream.await();
        String line = downstream.displayName() + " completed with status " + result;
        if (propagate && result != Result.SUCCESS) throw new AbortException(line + " (propagate: false to ignore)");
        return line;
    }

    @Override
    public String mail(ArrayList<String> to, String subject, String body) throws IOException {
        Optional<String> problem = controller.mailProblem();
        if (problem.isPresent()) return problem.get() + ": no mail sent to " + String.join(", ", to) + " (subject: " + subject + ")";
        controller.mail(to, subject, body);
        return "mail sent to " + String.join(", ", to) + " (subject: " + subject + ")";
    }

    @Override
    public String archive(String path) throws IOException, InterruptedException {
        FilePath file = workspace.child(path);
        if (!file.getRemote().startsWith(workspace.getRemote() + "/") || path.contains("..")) {
            throw new AbortException("archive: '" + path + "' is not in the workspace");
        }
        controller.archive(run, workspace, path, listener);
        return buildUrl + "artifact/" + path;
    }

    @Override
    public String credentialProblem(String id) {
        return credentialRefusal(id, allowedCredentials).orElse(null);
    }

    @Override
    public HashMap<String, Secret> credential(String id, String name) throws IOException {
        Optional<String> refused = credentialRefusal(id, allowedCredentials);
        if (refused.isPresent()) throw new AbortException(refused.get());
        if (name == null || name.isEmpty()) throw new AbortException("credential '" + id + "' needs a 'name' (the container's variable)");
        Map<String, Secret> given = controller.credential(run, id, name);
        return new HashMap<>(given);
    }
}
